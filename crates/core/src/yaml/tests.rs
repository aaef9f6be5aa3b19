use std::borrow::Cow;

use super::*;
use crate::source::{LineCol, SourceFile};

fn error_of(text: &str) -> (LoadError, LineCol) {
    let error = load(text).expect_err("must not load");
    let position = SourceFile::new("t.yaml", text).line_col(error.span.start);
    (error, position)
}

fn span_text(text: &str, span: Span) -> &str {
    &text[span.range()]
}

#[test]
fn scalar_spans_are_bytes_and_keep_quotes() {
    let text = "# é 日本\na: \"quoted\"\nb: 'single'\nc: plain\n";
    let stream = load(text).unwrap();
    let root = stream.documents[0].root();
    assert_eq!(span_text(text, root.get("a").unwrap().span()), "\"quoted\"");
    assert_eq!(span_text(text, root.get("b").unwrap().span()), "'single'");
    let c = root.get("c").unwrap().span();
    assert_eq!(span_text(text, c), "plain");
    assert_eq!(c.start, text.find("plain").unwrap());
    let file = SourceFile::new("t.yaml", text);
    assert_eq!(file.line_col(c.start), LineCol { line: 4, column: 4 });
}

#[test]
fn quoted_scalar_spans_stop_at_the_closing_quote() {
    let text = "a: \"x \\\" y\"  # note\nb: 'it''s' # note\nc:\n  - \"--z=1\" # note\n";
    let stream = load(text).unwrap();
    let root = stream.documents[0].root();
    assert_eq!(
        span_text(text, root.get("a").unwrap().span()),
        "\"x \\\" y\""
    );
    assert_eq!(span_text(text, root.get("b").unwrap().span()), "'it''s'");
    let item = root.get("c").unwrap().items().next().unwrap();
    assert_eq!(span_text(text, item.span()), "\"--z=1\"");
    let mapped = item.mapped_text().unwrap();
    assert_eq!(
        mapped.span_of(2..5),
        Span::new(text.find("z=1").unwrap(), text.find("z=1").unwrap() + 3)
    );
}

#[test]
fn block_scalar_span_starts_at_content_and_stops_at_last_line() {
    let text = "c: |\n  literal line\n  two\n\n# a comment\nd: >-\n  folded\n";
    let stream = load(text).unwrap();
    let root = stream.documents[0].root();
    assert_eq!(
        span_text(text, root.get("c").unwrap().span()),
        "literal line\n  two"
    );
    assert_eq!(span_text(text, root.get("d").unwrap().span()), "folded");
}

#[test]
fn crlf_spans() {
    let text = "a: 1\r\nargs:\r\n- --x=y\r\n";
    let stream = load(text).unwrap();
    let item = stream.documents[0]
        .root()
        .get("args")
        .unwrap()
        .items()
        .next()
        .unwrap();
    assert_eq!(span_text(text, item.span()), "--x=y");
    let file = SourceFile::new("t.yaml", text);
    assert_eq!(
        file.line_col(item.span().start),
        LineCol { line: 3, column: 3 }
    );
}

#[test]
fn bom_is_skipped_but_counted() {
    let text = "\u{FEFF}a: b\n";
    let stream = load(text).unwrap();
    let b = stream.documents[0].root().get("a").unwrap();
    assert_eq!(span_text(text, b.span()), "b");
}

#[test]
fn collection_spans_cover_their_children() {
    let text = "spec:\n  containers:\n  - name: a\n    image: x\nnext: 1\n";
    let stream = load(text).unwrap();
    let containers = stream.documents[0]
        .root()
        .path(&["spec", "containers"])
        .unwrap();
    assert_eq!(
        span_text(text, containers.span()),
        "- name: a\n    image: x"
    );
    let flow = "command: [\"kube-apiserver\", \"--x=y\"]\n";
    let stream = load(flow).unwrap();
    let command = stream.documents[0].root().get("command").unwrap();
    assert_eq!(
        span_text(flow, command.span()),
        "[\"kube-apiserver\", \"--x=y\"]"
    );
}

#[test]
fn multi_document_streams() {
    let text = "a: 1\n---\nb: 2\n---\n# only a comment\n";
    let stream = load(text).unwrap();
    assert_eq!(stream.documents.len(), 3);
    assert_eq!(stream.documents[1].root().str_at("b"), Some("2"));
    assert!(
        stream.documents[2].root().is_null(),
        "`---` then nothing is a null document"
    );
}

#[test]
fn many_small_documents_take_memory_in_proportion() {
    let count = 2_000;
    let text: String = (0..count)
        .map(|i| format!("---\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n"))
        .collect();
    let stream = load(&text).unwrap();
    assert_eq!(stream.documents.len(), count);
    // Each document's arena holds its own nodes, not room for the rest of the file.
    for document in &stream.documents {
        assert!(document.nodes.capacity() <= 2 * document.nodes.len());
    }
    // Plain scalars borrow their text from the source instead of owning a copy.
    let owned = stream
        .documents
        .iter()
        .flat_map(|d| &d.nodes)
        .filter(
            |node| matches!(&node.kind, NodeKind::Scalar(s) if matches!(s.value, Cow::Owned(_))),
        )
        .count();
    assert_eq!(owned, 0);
}

#[test]
fn aliases_and_merge_keys_resolve() {
    let text = "base: &b {x: 1}\nuse: *b\nmerged:\n  <<: *b\n  y: 2\n";
    let stream = load(text).unwrap();
    let root = stream.documents[0].root();
    assert_eq!(
        root.path(&["use", "x"]).and_then(NodeRef::as_str),
        Some("1")
    );
    assert_eq!(
        root.path(&["merged", "x"]).and_then(NodeRef::as_str),
        Some("1")
    );
    assert_eq!(
        root.path(&["merged", "y"]).and_then(NodeRef::as_str),
        Some("2")
    );
}

#[test]
fn duplicate_keys_are_problems_and_last_wins() {
    let text = "a: 1\nb: 2\na: 3\n";
    let stream = load(text).unwrap();
    assert_eq!(stream.documents[0].root().str_at("a"), Some("3"));
    assert_eq!(
        stream.problems,
        vec![LoadProblem::DuplicateKey {
            key: "a".into(),
            first: Span::new(0, 1),
            duplicate: Span::new(10, 11),
        }]
    );
}

#[test]
fn duplicate_keys_in_large_mappings() {
    let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    text.push_str("k7: again\n");
    let stream = load(&text).unwrap();
    assert_eq!(stream.problems.len(), 1);
    let LoadProblem::DuplicateKey { key, duplicate, .. } = &stream.problems[0];
    assert_eq!(key, "k7");
    assert_eq!(span_text(&text, *duplicate), "k7");
}

#[test]
fn deep_nesting_is_an_error_on_a_small_stack() {
    let text = format!("{}x\n", "- ".repeat(20_000));
    let outcome = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let (error, position) = error_of(&text);
            (error.kind, position)
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert_eq!(outcome.0, LoadErrorKind::TooDeep);
    assert_eq!(
        outcome.1,
        LineCol {
            line: 1,
            column: 2 * MAX_DEPTH + 1
        }
    );
}

#[test]
fn flow_nesting_is_an_error() {
    let text = "[".repeat(5000);
    let (error, position) = error_of(&text);
    assert!(matches!(
        error.kind,
        LoadErrorKind::Syntax(_) | LoadErrorKind::TooDeep
    ));
    assert_eq!(position.line, 1);
}

/// `aN: &aN [{? *aN-1 : 0}, ... ten times]`: each level asks for ten copies of the one
/// before, through mapping keys, which is what makes saphyr's own loader hash forever.
fn key_alias_bomb(levels: usize) -> String {
    let mut text = String::from("a0: &a0 x\n");
    for level in 1..=levels {
        let item = format!("{{? *a{} : 0}}", level - 1);
        let items = vec![item; 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    text
}

/// Refused where the budget runs out, long before the billions of nodes it asks for (its
/// memory is bounded in `tests/alias_bomb_memory.rs`; its speed is not timed here).
#[test]
fn alias_bomb_is_rejected_before_it_expands() {
    let text = key_alias_bomb(10);
    assert!(text.len() < 2048, "{} bytes", text.len());
    let (error, position) = error_of(&text);
    assert_eq!(error.kind, LoadErrorKind::TooManyNodes);
    assert_eq!(position.line, 7, "10^6 nodes are reached on the line of a6");
}

#[test]
fn recursive_alias_is_an_error() {
    let (error, _) = error_of("a: &x [*x]\n");
    assert!(
        matches!(
            error.kind,
            LoadErrorKind::RecursiveAlias | LoadErrorKind::Syntax(_)
        ),
        "{error:?}"
    );
}

#[test]
fn syntax_errors_have_positions() {
    // Reported where the quote opens.
    let (error, position) = error_of("a: \"unterminated\nb: 1\n");
    assert!(matches!(error.kind, LoadErrorKind::Syntax(_)), "{error:?}");
    assert_eq!(position, LineCol { line: 1, column: 4 });
    assert!(error.to_string().contains("quoted scalar"), "{error}");

    // saphyr points just past the tab.
    let (error, position) = error_of("a:\n\tb: 1\n");
    assert!(error.to_string().contains("tabs"), "{error}");
    assert_eq!(position, LineCol { line: 2, column: 2 });

    // At the end of the file: reported where the missing `]` belongs.
    let (_, position) = error_of("# é\nkey: [a, b\n");
    assert_eq!(
        position,
        LineCol {
            line: 2,
            column: 10
        }
    );
}

#[test]
fn empty_and_comment_only_files_have_no_documents() {
    assert!(load("").unwrap().documents.is_empty());
    assert!(load("# nothing\n").unwrap().documents.is_empty());
}

mod mapped_text {
    use super::*;

    fn items(text: &str) -> Vec<MappedText> {
        let stream = load(text).unwrap();
        stream.documents[0]
            .root()
            .get("args")
            .unwrap()
            .items()
            .filter_map(NodeRef::mapped_text)
            .collect()
    }

    #[test]
    fn plain_and_quoted_items_map_exactly() {
        let text = "args:\n- --a=b\n- \"--c=d\"\n- '--e=f'\n";
        for item in items(text) {
            let value_span = item.span_of(3..item.text.len());
            assert_eq!(span_text(text, value_span), &item.text[3..]);
        }
    }

    #[test]
    fn literal_block_lines_map_exactly() {
        let text = "args:\n- |\n  exec kube-apiserver \\\n    --insecure-port=8080\n";
        let item = &items(text)[0];
        let offset = item.text.find("--insecure-port").unwrap();
        let span = item.span_of(offset..offset + "--insecure-port=8080".len());
        assert_eq!(span.start, text.find("--insecure-port").unwrap());
        assert_eq!(span_text(text, span), "--insecure-port=8080");
    }

    #[test]
    fn folded_plain_scalars_map_per_line() {
        let text = "args:\n- exec kube-apiserver\n  --a=1\n  --b=2\n";
        let item = &items(text)[0];
        assert_eq!(item.text, "exec kube-apiserver --a=1 --b=2");
        let offset = item.text.find("--b=2").unwrap();
        assert_eq!(span_text(text, item.span_of(offset..offset + 5)), "--b=2");
    }

    #[test]
    fn escapes_fall_back_to_the_whole_scalar() {
        let text = "args:\n- \"--a=\\u0041\"\n";
        let item = &items(text)[0];
        assert_eq!(item.text, "--a=A");
        assert_eq!(item.span_of(4..5), item.span);
    }
}

#[test]
fn documents_are_handed_over_one_at_a_time_until_an_error() {
    let text = "a: 1\n---\nb: 2\n---\nc: [3\n";
    let mut seen = Vec::new();
    let error = load_each(text, |document| {
        seen.push(
            document
                .root()
                .entries()
                .next()
                .map(|(k, _)| k.as_str().map(str::to_owned)),
        );
    })
    .unwrap_err();
    assert_eq!(
        seen,
        [Some(Some("a".to_owned())), Some(Some("b".to_owned()))]
    );
    assert!(matches!(error.kind, LoadErrorKind::Syntax(_)));
}

/// The first item of `text`'s `patches` list, with its map into `text`.
fn first_patch(text: &str) -> MappedText {
    let stream = load(text).unwrap();
    let patches = stream.documents[0].root().get("patches").unwrap();
    patches.items().next().unwrap().mapped_text().unwrap()
}

#[test]
fn embedded_yaml_is_located_in_the_file() {
    let text = "patches:\n- |\n  kind: ClusterConfiguration\n  apiServer:\n    extraArgs:\n      profiling: \"false\"\n      audit-log-path: >-\n        /var/log/\n        audit.log\n";
    let patch = first_patch(text);
    let embedded = load_embedded(&patch, text).unwrap();
    let root = embedded.documents[0].root();
    let args = root.path(&["apiServer", "extraArgs"]).unwrap();
    let (key, value) = args.entry("profiling").unwrap();
    assert_eq!(&text[key.span().range()], "profiling");
    assert_eq!(&text[value.span().range()], "\"false\"");
    let mapped = value.mapped_text().unwrap();
    assert_eq!(&text[mapped.span_of(0..5).range()], "false");
    // A folded value spans its lines in the file, each run at its bytes.
    let folded = args.get("audit-log-path").unwrap().mapped_text().unwrap();
    assert_eq!(folded.text, "/var/log/ audit.log");
    assert_eq!(&text[folded.span_of(10..19).range()], "audit.log");
    assert_eq!(root.str_at("kind"), Some("ClusterConfiguration"));
}

#[test]
fn embedded_yaml_errors_are_located_in_the_file() {
    let text = "patches:\n- |\n  kind: [\n";
    let patch = first_patch(text);
    let error = load_embedded(&patch, text).unwrap_err();
    assert!(error.span.start >= patch.span.start, "{error:?}");
    assert!(error.span.end <= text.len(), "{error:?}");
}
