//! A small POSIX-sh word splitter that keeps byte spans.
//!
//! Containers run control-plane binaries through `sh -c "exec kube-apiserver --x=y 2>&1"`,
//! and systemd units and env files hold shell-quoted argument strings. To point at a flag
//! inside such a string we need the source bytes of every word, which no shell-lexing crate
//! gives (they return only strings), so this module splits the script itself.
//!
//! What it understands: blanks and newlines; `'...'`; `"..."` with `\"`, `\\`, `\$`, `` \` ``
//! and backslash-newline; backslash escapes and continuations outside quotes; `#` comments at
//! the start of a word; the operators `;`, `&&`, `||`, `|`, `&`, `(`, `)` (they end a simple
//! command); redirections (`2>&1`, `>/dev/null`, `> file`, `<file`, `>>log`, `&>log`), which
//! are dropped with their target, and here-document bodies, which are skipped; `$(...)`,
//! `${...}` and `` `...` `` are kept verbatim inside their word, unexpanded. Leading
//! `NAME=value` assignments and the wrappers `exec`, `env` and `nohup` are removed, so the
//! first word of a [`ShellCommand`] is the program it runs.
//!
//! Not understood (kept as ordinary words): `if`/`for`/`case` and other compound commands,
//! `$'...'`, aliases and functions.

use crate::source::{MappedText, Span, TextMap};

/// One simple command of a script, after prefix assignments and `exec`/`env`/`nohup`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellCommand {
    /// The program and its arguments, quotes removed; each maps to its source bytes.
    pub words: Vec<MappedText>,
    /// The whole simple command in the source, prefixes and redirections included.
    pub span: Span,
}

impl ShellCommand {
    /// The program word (`kube-apiserver`, `/usr/local/bin/etcd`).
    #[must_use]
    pub fn program(&self) -> Option<&MappedText> {
        self.words.first()
    }

    /// The words after the program.
    #[must_use]
    pub fn args(&self) -> &[MappedText] {
        self.words.get(1..).unwrap_or_default()
    }
}

/// A script the shell itself would reject: an unterminated quote or substitution.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ShellError {
    pub message: String,
    /// From the opening quote to the end of the script.
    pub span: Span,
}

/// Splits `script` into simple commands.
///
/// # Errors
/// [`ShellError`] when a quote, `$(`, `${` or backquote is never closed.
pub fn split_script(script: &MappedText) -> Result<Vec<ShellCommand>, ShellError> {
    let tokens = Lexer::new(script).run()?;
    Ok(group(tokens)
        .into_iter()
        .filter_map(|raw| finish_command(script, raw))
        .collect())
}

/// A word as lexed: decoded text, its map into the script's decoded text, and its raw range
/// there (quotes included).
#[derive(Clone, Debug)]
struct RawWord {
    text: String,
    map: TextMap,
    range: std::ops::Range<usize>,
}

#[derive(Debug)]
enum Token {
    Word(RawWord),
    /// `;`, `&&`, `||`, `|`, `&`, `(`, `)`, newline: ends a simple command.
    Separator,
    /// A redirection operator (its fd number included); the next word is its target.
    Redirect(std::ops::Range<usize>),
}

/// Accumulates one word; every character it holds was copied from one script byte range,
/// so consecutive characters from consecutive bytes form one verbatim run.
#[derive(Default)]
struct WordBuilder {
    text: String,
    map: TextMap,
    /// `(decoded_start, script_start, len)` of the run being extended.
    run: Option<(usize, usize, usize)>,
    /// Raw start of the word; `Some` once anything (even `''`) started it.
    start: Option<usize>,
    /// Whether any part was quoted or escaped (then it cannot be an fd number).
    quoted: bool,
}

impl WordBuilder {
    fn begin(&mut self, at: usize) {
        self.start.get_or_insert(at);
    }

    fn push(&mut self, ch: char, at: usize) {
        let len = ch.len_utf8();
        match &mut self.run {
            Some((decoded, source, run_len))
                if *source + *run_len == at && *decoded + *run_len == self.text.len() =>
            {
                *run_len += len;
            }
            _ => {
                self.flush_run();
                self.run = Some((self.text.len(), at, len));
            }
        }
        self.text.push(ch);
    }

    fn flush_run(&mut self) {
        if let Some((decoded, source, len)) = self.run.take() {
            self.map.push_run(decoded, source, len);
        }
    }

    fn is_io_number(&self) -> bool {
        !self.quoted && !self.text.is_empty() && self.text.bytes().all(|b| b.is_ascii_digit())
    }

    fn take(&mut self, end: usize) -> Option<RawWord> {
        self.flush_run();
        let start = self.start.take()?;
        let word = std::mem::take(self);
        Some(RawWord {
            text: word.text,
            map: word.map,
            range: start..end,
        })
    }
}

struct Lexer<'a> {
    script: &'a MappedText,
    src: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    word: WordBuilder,
    /// Here-document delimiters whose bodies start after the next newline:
    /// `(delimiter, strip_leading_tabs)`.
    heredocs: Vec<(String, bool)>,
    /// Set after `<<`: the next word is a here-document delimiter.
    expect_heredoc: Option<bool>,
}

impl<'a> Lexer<'a> {
    fn new(script: &'a MappedText) -> Self {
        Self {
            script,
            src: &script.text,
            pos: 0,
            tokens: Vec::new(),
            word: WordBuilder::default(),
            heredocs: Vec::new(),
            expect_heredoc: None,
        }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..)?.chars().next()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.src.get(self.pos + offset..)?.chars().next()
    }

    fn error(&self, message: &str, from: usize) -> ShellError {
        ShellError {
            message: message.to_owned(),
            span: outer_span(self.script, from..self.src.len()),
        }
    }

    fn end_word(&mut self) {
        if let Some(word) = self.word.take(self.pos) {
            if let Some(strip_tabs) = self.expect_heredoc.take() {
                self.heredocs.push((word.text.clone(), strip_tabs));
            }
            self.tokens.push(Token::Word(word));
        }
    }

    fn run(mut self) -> Result<Vec<Token>, ShellError> {
        while let Some(ch) = self.peek() {
            let at = self.pos;
            match ch {
                ' ' | '\t' => {
                    self.end_word();
                    self.pos += 1;
                }
                '\n' => {
                    self.end_word();
                    self.pos += 1;
                    self.tokens.push(Token::Separator);
                    self.skip_heredoc_bodies();
                }
                '#' if self.word.start.is_none() => {
                    let rest = self.src.get(at..).unwrap_or_default();
                    self.pos += rest.find('\n').unwrap_or(rest.len());
                }
                '\\' => {
                    match self.peek_at(1) {
                        // A continuation is removed before words are split: no word starts.
                        Some('\n') => self.pos += 2,
                        Some(next) => {
                            self.word.begin(at);
                            self.word.quoted = true;
                            self.word.push(next, at + 1);
                            self.pos += 1 + next.len_utf8();
                        }
                        None => {
                            self.word.begin(at);
                            self.word.push('\\', at);
                            self.pos += 1;
                        }
                    }
                }
                '\'' => {
                    self.word.begin(at);
                    self.word.quoted = true;
                    let close = self
                        .src
                        .get(at + 1..)
                        .and_then(|rest| rest.find('\''))
                        .ok_or_else(|| self.error("unterminated single quote", at))?;
                    for (i, c) in self.src[at + 1..at + 1 + close].char_indices() {
                        self.word.push(c, at + 1 + i);
                    }
                    self.pos = at + close + 2;
                }
                '"' => self.double_quoted(at)?,
                '$' | '`' if self.substitution_len(at)?.is_some() => {
                    self.word.begin(at);
                    self.copy_substitution(at)?;
                }
                ';' | '&' | '|' | '(' | ')' => self.operator(at),
                '<' | '>' => self.redirect(at),
                _ => {
                    self.word.begin(at);
                    self.word.push(ch, at);
                    self.pos += ch.len_utf8();
                }
            }
        }
        self.end_word();
        Ok(self.tokens)
    }

    fn double_quoted(&mut self, open: usize) -> Result<(), ShellError> {
        self.word.begin(open);
        self.word.quoted = true;
        self.pos = open + 1;
        loop {
            let at = self.pos;
            match self.peek() {
                None => return Err(self.error("unterminated double quote", open)),
                Some('"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some('\\') => match self.peek_at(1) {
                    Some('\n') => self.pos += 2,
                    Some(next @ ('"' | '\\' | '$' | '`')) => {
                        self.word.push(next, at + 1);
                        self.pos += 2;
                    }
                    // Any other backslash is literal inside double quotes.
                    _ => {
                        self.word.push('\\', at);
                        self.pos += 1;
                    }
                },
                Some('$' | '`') if self.substitution_len(at)?.is_some() => {
                    self.copy_substitution(at)?;
                }
                Some(ch) => {
                    self.word.push(ch, at);
                    self.pos += ch.len_utf8();
                }
            }
        }
    }

    /// Length of a `$(...)`, `${...}` or `` `...` `` starting at `at`; `None` when `at` does
    /// not start one (a lone `$`, `$VAR`).
    fn substitution_len(&self, at: usize) -> Result<Option<usize>, ShellError> {
        let rest = self.src.get(at..).unwrap_or_default();
        let (open, close, skip) = if rest.starts_with("$(") {
            ('(', ')', 2)
        } else if rest.starts_with("${") {
            ('{', '}', 2)
        } else if rest.starts_with('`') {
            ('`', '`', 1)
        } else {
            return Ok(None);
        };
        let mut depth = 1_usize;
        let mut chars = rest.char_indices().skip(skip);
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '\'' if open != '`' => {
                    // Skip a quoted section so a `)` inside it does not close.
                    for (_, q) in chars.by_ref() {
                        if q == '\'' {
                            break;
                        }
                    }
                }
                c if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(Some(i + 1));
                    }
                }
                c if c == open => depth += 1,
                _ => {}
            }
        }
        Err(self.error("unterminated command or parameter substitution", at))
    }

    fn copy_substitution(&mut self, at: usize) -> Result<(), ShellError> {
        let len = self.substitution_len(at)?.unwrap_or(1);
        for (i, c) in self.src[at..at + len].char_indices() {
            self.word.push(c, at + i);
        }
        self.pos = at + len;
        Ok(())
    }

    fn operator(&mut self, at: usize) {
        let rest = self.src.get(at..).unwrap_or_default();
        if rest.starts_with("&>") {
            // bash's `&>file` / `&>>file`: a redirection, not a background `&`.
            self.end_word();
            let len = if rest.starts_with("&>>") { 3 } else { 2 };
            self.pos = at + len;
            self.tokens.push(Token::Redirect(at..at + len));
            return;
        }
        self.end_word();
        let doubled = ["&&", "||", ";;", "|&"]
            .iter()
            .any(|op| rest.starts_with(op));
        self.pos = at + if doubled { 2 } else { 1 };
        self.tokens.push(Token::Separator);
    }

    fn redirect(&mut self, at: usize) {
        let start = if self.word.is_io_number() {
            // `2>&1`: the digits are the file descriptor, not a word.
            let start = self.word.start.unwrap_or(at);
            self.word = WordBuilder::default();
            start
        } else {
            self.end_word();
            at
        };
        let rest = self.src.get(at..).unwrap_or_default();
        let len = ["<<-", "<<", ">>", ">&", "<&", ">|", "<>"]
            .iter()
            .find(|op| rest.starts_with(**op))
            .map_or(1, |op| op.len());
        if rest.starts_with("<<") {
            self.expect_heredoc = Some(rest.starts_with("<<-"));
        }
        self.pos = at + len;
        self.tokens.push(Token::Redirect(start..at + len));
    }

    /// Skips the bodies of here-documents opened on the line that just ended.
    fn skip_heredoc_bodies(&mut self) {
        for (delimiter, strip_tabs) in std::mem::take(&mut self.heredocs) {
            loop {
                let rest = self.src.get(self.pos..).unwrap_or_default();
                if rest.is_empty() {
                    // Unterminated body: sh reads to the end of the script.
                    break;
                }
                let line_len = rest.find('\n').map_or(rest.len(), |i| i + 1);
                let line = rest[..line_len].trim_end_matches('\n');
                let line = if strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                self.pos += line_len;
                if line == delimiter {
                    break;
                }
            }
        }
    }
}

/// A raw command: its words, and the raw range of everything it spans.
struct RawCommand {
    words: Vec<RawWord>,
    range: Option<std::ops::Range<usize>>,
}

fn group(tokens: Vec<Token>) -> Vec<RawCommand> {
    let mut commands = Vec::new();
    let mut current = RawCommand {
        words: Vec::new(),
        range: None,
    };
    let mut tokens = tokens.into_iter().peekable();
    let extend = |range: &mut Option<std::ops::Range<usize>>, r: &std::ops::Range<usize>| {
        *range = Some(match range.take() {
            Some(old) => old.start.min(r.start)..old.end.max(r.end),
            None => r.clone(),
        });
    };
    while let Some(token) = tokens.next() {
        match token {
            Token::Word(word) => {
                extend(&mut current.range, &word.range);
                current.words.push(word);
            }
            Token::Redirect(range) => {
                extend(&mut current.range, &range);
                if let Some(Token::Word(target)) = tokens.peek() {
                    extend(&mut current.range, &target.range);
                    tokens.next();
                }
            }
            Token::Separator => {
                let done = std::mem::replace(
                    &mut current,
                    RawCommand {
                        words: Vec::new(),
                        range: None,
                    },
                );
                commands.push(done);
            }
        }
    }
    commands.push(current);
    commands
}

/// Whether the raw source of a word is an assignment (`NAME=...`): the name must be
/// unquoted for the shell to treat it as one.
fn is_assignment(raw: &str) -> bool {
    let Some((name, _)) = raw.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Drops leading assignments and the `exec`, `env` and `nohup` wrappers, then maps words to
/// source bytes.
fn finish_command(script: &MappedText, raw: RawCommand) -> Option<ShellCommand> {
    let range = raw.range?;
    let mut words = raw.words.as_slice();
    let raw_text = |w: &RawWord| script.text.get(w.range.clone()).unwrap_or_default();
    loop {
        while let Some((first, rest)) = words.split_first() {
            if !is_assignment(raw_text(first)) {
                break;
            }
            words = rest;
        }
        let Some((first, rest)) = words.split_first() else {
            break;
        };
        match first.text.as_str() {
            "nohup" => words = rest,
            "exec" => {
                words = rest;
                // bash's `exec -c`, `exec -l`, `exec -a NAME`.
                while let Some((arg, after)) = words.split_first() {
                    match arg.text.as_str() {
                        "-a" => words = after.get(1..).unwrap_or_default(),
                        "-c" | "-l" | "-cl" | "-lc" => words = after,
                        _ => break,
                    }
                }
            }
            "env" => {
                words = rest;
                // env's own options and NAME=value operands (quotes already removed).
                while let Some((arg, after)) = words.split_first() {
                    match arg.text.as_str() {
                        "-u" | "--unset" => words = after.get(1..).unwrap_or_default(),
                        "--" => {
                            words = after;
                            break;
                        }
                        t if t.starts_with('-') || is_assignment(t) => words = after,
                        _ => break,
                    }
                }
            }
            _ => break,
        }
    }
    if words.is_empty() {
        return None;
    }
    Some(ShellCommand {
        words: words.iter().map(|w| to_mapped(script, w)).collect(),
        span: outer_span(script, range),
    })
}

fn to_mapped(script: &MappedText, word: &RawWord) -> MappedText {
    MappedText::new(
        word.text.clone(),
        outer_span(script, word.range.clone()),
        script.map.compose(&word.map),
    )
}

/// The source span of raw range `range` of the script: exact when both ends map, else the
/// whole script's span.
fn outer_span(script: &MappedText, range: std::ops::Range<usize>) -> Span {
    if let Some(span) = script.map.source_span(range.clone()) {
        return span;
    }
    let start = script.map.source_offset(range.start);
    let end = range
        .end
        .checked_sub(1)
        .and_then(|last| script.map.source_offset(last))
        .map(|last| last + 1);
    match (start, end) {
        (Some(start), Some(end)) if start <= end => Span::new(start, end),
        _ => script.span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `script` embedded verbatim in `source`, as a YAML plain or single-line scalar would be.
    fn mapped(source: &str, script: &str) -> MappedText {
        let offset = source.find(script).expect("script inside source");
        MappedText::new(
            script,
            Span::new(offset, offset + script.len()),
            TextMap::verbatim(offset, script.len()),
        )
    }

    fn texts(commands: &[ShellCommand]) -> Vec<Vec<&str>> {
        commands
            .iter()
            .map(|c| c.words.iter().map(|w| w.text.as_str()).collect())
            .collect()
    }

    /// The lexer's words, flattened over commands, with no prefix stripping: comparable to
    /// `shlex::split` for scripts without operators.
    fn raw_words(script: &MappedText) -> Option<Vec<String>> {
        let tokens = Lexer::new(script).run().ok()?;
        Some(
            tokens
                .into_iter()
                .filter_map(|t| match t {
                    Token::Word(w) => Some(w.text),
                    _ => None,
                })
                .collect(),
        )
    }

    /// Every exactly-mapped piece of every word reads the same in the source.
    fn assert_maps_exact(source: &str, commands: &[ShellCommand]) {
        for word in commands.iter().flat_map(|c| &c.words) {
            for (i, ch) in word.text.char_indices() {
                if let Some(span) = word.map.source_span(i..i + ch.len_utf8()) {
                    assert_eq!(&source[span.range()], ch.to_string(), "in {:?}", word.text);
                }
            }
            assert!(word.span.end <= source.len());
        }
    }

    #[test]
    fn exec_with_redirect_in_yaml_string() {
        let source = "command: [\"sh\", \"-c\", \"exec kube-apiserver --x=y 2>&1\"]\n";
        let script = mapped(source, "exec kube-apiserver --x=y 2>&1");
        let commands = split_script(&script).expect("valid script");
        assert_eq!(texts(&commands), vec![vec!["kube-apiserver", "--x=y"]]);
        let program = &commands[0].words[0];
        let start = source.find("kube-apiserver").unwrap_or_default();
        assert_eq!(
            program.span,
            Span::new(start, start + "kube-apiserver".len())
        );
        let flag = &commands[0].words[1];
        let start = source.find("--x=y").unwrap_or_default();
        assert_eq!(flag.span, Span::new(start, start + 5));
        assert_eq!(flag.span_of(4..5), Span::new(start + 4, start + 5));
        let start = source.find("exec").unwrap_or_default();
        let end = source.find("2>&1").unwrap_or_default() + 4;
        assert_eq!(commands[0].span, Span::new(start, end));
        assert_maps_exact(source, &commands);
    }

    #[test]
    fn multi_line_script_with_continuations() {
        let source = "args:\n- |\n  set -e\n  exec /usr/local/bin/etcd \\\n    --name=m1 \\\n    --data-dir /var/lib/etcd\n";
        let script_text =
            "set -e\nexec /usr/local/bin/etcd \\\n  --name=m1 \\\n  --data-dir /var/lib/etcd\n";
        // A block scalar: each line's content maps to the source after two spaces of indent.
        let mut map = TextMap::default();
        let mut decoded = 0;
        let mut search_from = 0;
        for line in script_text.split_inclusive('\n') {
            let content = line.trim_end_matches('\n');
            let at = search_from + source[search_from..].find(content).unwrap_or_default();
            map.push_run(decoded, at, line.len());
            decoded += line.len();
            search_from = at + content.len();
        }
        let script = MappedText::new(script_text, Span::new(11, source.len()), map);
        let commands = split_script(&script).expect("valid script");
        assert_eq!(
            texts(&commands),
            vec![
                vec!["set", "-e"],
                vec![
                    "/usr/local/bin/etcd",
                    "--name=m1",
                    "--data-dir",
                    "/var/lib/etcd"
                ]
            ]
        );
        let name = &commands[1].words[1];
        let start = source.find("--name=m1").unwrap_or_default();
        assert_eq!(name.span, Span::new(start, start + "--name=m1".len()));
        let dir = &commands[1].words[3];
        let start = source.find("/var/lib/etcd").unwrap_or_default();
        assert_eq!(dir.span, Span::new(start, start + "/var/lib/etcd".len()));
        assert_maps_exact(source, &commands);
    }

    #[test]
    fn continuation_inside_a_word_joins_it() {
        let source = "kube-apiserver --anonymous\\\n-auth=false";
        let commands = split_script(&mapped(source, source)).expect("valid script");
        assert_eq!(
            texts(&commands),
            vec![vec!["kube-apiserver", "--anonymous-auth=false"]]
        );
        let word = &commands[0].words[1];
        // The word spans both lines; a range across the continuation has no exact bytes.
        assert_eq!(word.span, Span::new(15, source.len()));
        assert_eq!(word.map.source_span(0..12), None);
        assert_eq!(word.span_of(0..11), Span::new(15, 26));
        assert_maps_exact(source, &commands);
    }

    #[test]
    fn quoted_values_keep_exact_spans_of_their_inside() {
        let source = r#"kube-apiserver --audit-log-format="json" --runtime-config='api/all=true'"#;
        let commands = split_script(&mapped(source, source)).expect("valid script");
        let words = &commands[0].words;
        assert_eq!(words[1].text, "--audit-log-format=json");
        assert_eq!(words[2].text, "--runtime-config=api/all=true");
        let json = source.find("json").unwrap_or_default();
        assert_eq!(words[1].span_of(19..23), Span::new(json, json + 4));
        let all = source.find("api/all=true").unwrap_or_default();
        assert_eq!(words[2].span_of(17..29), Span::new(all, all + 12));
        // The word's own span includes the quotes.
        let start = source.find("--audit").unwrap_or_default();
        assert_eq!(words[1].span, Span::new(start, json + 5));
        assert_maps_exact(source, &commands);
    }

    #[test]
    fn double_quote_escapes() {
        let source = r#"echo "a\"b\\c\$d\`e\xf" 'it''s' \$HOME"#;
        let commands = split_script(&mapped(source, source)).expect("valid script");
        assert_eq!(
            texts(&commands),
            vec![vec!["echo", r#"a"b\c$d`e\xf"#, "its", "$HOME"]]
        );
        assert_maps_exact(source, &commands);
    }

    #[test]
    fn operators_split_commands_and_redirections_drop() {
        let source = "mkdir -p /x; A=1 B='2 3' exec env -i C=4 nohup kube-scheduler --v=2 >/dev/null 2>&1 </dev/null && echo ok || true | cat & wait\n(exec kubelet --x >> log)";
        let commands = split_script(&mapped(source, source)).expect("valid script");
        assert_eq!(
            texts(&commands),
            vec![
                vec!["mkdir", "-p", "/x"],
                vec!["kube-scheduler", "--v=2"],
                vec!["echo", "ok"],
                vec!["true"],
                vec!["cat"],
                vec!["wait"],
                vec!["kubelet", "--x"],
            ]
        );
        assert_maps_exact(source, &commands);
    }

    #[test]
    fn redirect_forms() {
        let source = "etcd --a=1 > file --b=2 <in --c=3 >>log 2> err &>all --d=4 3>&- 1>|x";
        let commands = split_script(&mapped(source, source)).expect("valid script");
        assert_eq!(
            texts(&commands),
            vec![vec!["etcd", "--a=1", "--b=2", "--c=3", "--d=4"]]
        );
    }

    #[test]
    fn comments_and_substitutions() {
        let source = "# start\nexec kube-apiserver --advertise-address=$(hostname -i) --x=\"${A:-b c}\" # trailing\n";
        let commands = split_script(&mapped(source, source)).expect("valid script");
        assert_eq!(
            texts(&commands),
            vec![vec![
                "kube-apiserver",
                "--advertise-address=$(hostname -i)",
                "--x=${A:-b c}"
            ]]
        );
        assert_maps_exact(source, &commands);
    }

    #[test]
    fn here_document_bodies_are_skipped() {
        let source = "cat <<EOF >/tmp/x\nit's \"unbalanced\nEOF\nexec etcd --name=a\n";
        let commands = split_script(&mapped(source, source)).expect("valid script");
        assert_eq!(
            texts(&commands),
            vec![vec!["cat"], vec!["etcd", "--name=a"]]
        );
    }

    #[test]
    fn unterminated_quote_is_an_error_with_its_span() {
        let source = "value: \"exec kube-apiserver --x='abc\"";
        let script = mapped(source, "exec kube-apiserver --x='abc");
        let error = split_script(&script).expect_err("unterminated");
        let quote = source.find('\'').unwrap_or_default();
        assert_eq!(error.span, Span::new(quote, quote + "'abc".len()));
        assert_eq!(error.message, "unterminated single quote");

        let script = mapped("kubelet \"--a", "kubelet \"--a");
        let error = split_script(&script).expect_err("unterminated");
        assert_eq!(error.span, Span::new(8, 12));
        assert!(split_script(&mapped("x $(a", "x $(a")).is_err());
    }

    #[test]
    fn empty_words_and_empty_scripts() {
        let source = "a '' \"\" b";
        let commands = split_script(&mapped(source, source)).expect("valid script");
        assert_eq!(texts(&commands), vec![vec!["a", "", "", "b"]]);
        assert_eq!(commands[0].words[1].span, Span::new(2, 4));
        assert!(
            split_script(&mapped("  \n ; ", "  \n ; "))
                .expect("valid")
                .is_empty()
        );
        assert!(
            split_script(&mapped("exec 2>&1", "exec 2>&1"))
                .expect("valid")
                .is_empty()
        );
    }

    #[test]
    fn matches_shlex_on_fixed_scripts() {
        for script in [
            "kube-apiserver --a=b --c d",
            "  leading   and\ttabs\n\nnewlines  ",
            r#"--audit-log-format="json" --runtime-config='api/all=true'"#,
            r#"a\ b "c d" 'e f' g\'h "i\"j" "k\\l" "m\$n" "o\p""#,
            "x#notcomment # comment\n y",
            "multi\\\nline-word",
            r#"mixed"quo"'ted'\wo"rd""#,
            "unicode 'é日本' \"ü\" ß",
        ] {
            let ours = raw_words(&mapped(script, script));
            assert_eq!(ours, shlex::split(script), "script {script:?}");
        }
    }

    #[test]
    fn continuation_at_word_start_differs_from_shlex() {
        // POSIX removes backslash-newline before splitting; shlex starts an empty word.
        let script = "a \\\n  b";
        assert_eq!(
            raw_words(&mapped(script, script)),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            shlex::split(script),
            Some(vec!["a".into(), "".into(), "b".into()])
        );
    }

    /// A tiny deterministic generator (xorshift), so the table is reproducible without
    /// pulling in proptest.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    /// Builds a script of words separated by blanks, without operators or redirections, and
    /// without a backslash-newline at the start of a word (where shlex differs from sh).
    fn random_script(rng: &mut Rng) -> String {
        const PLAIN: &[&str] = &[
            "a", "kube", "--flag=v", "-v", "1", "x.y/z", "é", "$HOME", "=", "#",
        ];
        const QUOTED: &[&str] = &[
            "'single quoted'",
            "''",
            "\"double\"",
            "\"\"",
            "\"esc \\\" \\\\ \\$ \\` \\x\"",
            "\"multi\nline\"",
            "'it''s'",
            "\"con\\\ntinued\"",
        ];
        const ESCAPED: &[&str] = &["\\ ", "\\'", "\\\"", "\\\\", "\\a", "\\#"];
        const BLANKS: &[&str] = &[" ", "  ", "\t", "\n", " \n ", " # comment\n"];
        let mut script = String::new();
        for _ in 0..(rng.next() % 8) {
            let parts = 1 + rng.next() % 3;
            for part in 0..parts {
                match rng.next() % 4 {
                    0 | 1 => script.push_str(rng.pick(PLAIN)),
                    2 => script.push_str(rng.pick(QUOTED)),
                    _ => script.push_str(rng.pick(ESCAPED)),
                }
                if part + 1 < parts && rng.next().is_multiple_of(4) {
                    // A continuation in the middle of a word.
                    script.push_str("\\\n");
                }
            }
            script.push_str(rng.pick(BLANKS));
        }
        script
    }

    #[test]
    fn matches_shlex_on_generated_scripts() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut valid = 0;
        for _ in 0..2000 {
            let script = random_script(&mut rng);
            let input = mapped(&script, &script);
            let expected = shlex::split(&script);
            assert_eq!(raw_words(&input), expected, "script {script:?}");
            // A `#` may comment out an opening quote; both then reject the script.
            if expected.is_some() {
                let commands = split_script(&input).expect("same verdict as shlex");
                assert_maps_exact(&script, &commands);
                valid += 1;
            } else {
                assert!(split_script(&input).is_err());
            }
        }
        assert!(valid > 1500, "only {valid} generated scripts were valid");
    }
}
