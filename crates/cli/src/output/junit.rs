//! JUnit XML, for CI dashboards (GitLab test reports, Jenkins, Azure DevOps).
//!
//! - `<testsuites name="kubeharden">` holds a `<testsuite>` per file read, named by its path as
//!   given, in the order read.
//! - Each finding is a `<testcase>` named `CODE (name)` with a `<failure>`: `message` is the
//!   finding's message, `type` its severity, and the body `path:line:col`, the message, and
//!   its `help:` and `note:` lines.
//! - A file without findings has one passing test case, `no findings`, so that dashboards list
//!   every file checked; a path that could not be read is a suite whose one test case has an
//!   `<error>`.
//! - `tests`, `failures` and `errors` are counted on every suite and on the whole.
//! - Text from files goes through [`safe::escape_xml`]: XML 1.0 cannot hold most control
//!   characters at all, and the writer escapes `<`, `&` and quotes.

use std::collections::HashMap;
use std::io::{self, Write};

use kubeharden_core::FileId;
use kubeharden_rules::{Finding, Report};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::writer::ElementWriter;

use super::safe;

/// The passing test case of a file without findings.
const CLEAN: &str = "no findings";
/// The test case of a path that could not be read.
const UNREADABLE: &str = "read";

/// One `<testsuite>`: a file and its findings, or a path that could not be read.
struct Suite<'a> {
    path: String,
    findings: Vec<&'a Finding>,
    read_error: Option<&'a str>,
}

impl Suite<'_> {
    /// A suite always has a test case: a file without findings passes one.
    fn tests(&self) -> usize {
        self.findings.len().max(1)
    }

    fn failures(&self) -> usize {
        self.findings.len()
    }

    fn errors(&self) -> usize {
        usize::from(self.read_error.is_some())
    }
}

pub fn write(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let mut by_file: HashMap<FileId, Vec<&Finding>> = HashMap::new();
    for finding in &report.findings {
        by_file.entry(finding.file).or_default().push(finding);
    }
    let files = report.files().map(|(id, file)| Suite {
        path: file.path().display().to_string(),
        findings: by_file.remove(&id).unwrap_or_default(),
        read_error: None,
    });
    let unreadable = report.read_errors.iter().map(|error| Suite {
        path: error.path.display().to_string(),
        findings: Vec::new(),
        read_error: Some(&error.message),
    });
    let suites: Vec<Suite> = files.chain(unreadable).collect();

    let mut writer = Writer::new_with_indent(&mut *out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let tests: usize = suites.iter().map(Suite::tests).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    let errors: usize = suites.iter().map(Suite::errors).sum();
    writer
        .create_element("testsuites")
        .with_attribute(("name", "kubeharden"))
        .with_attribute(("tests", tests.to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", errors.to_string().as_str()))
        .write_inner_content(|writer| {
            for suite in &suites {
                write_suite(writer, report, suite)?;
            }
            Ok(())
        })?;
    writeln!(out)
}

fn write_suite<W: Write>(writer: &mut Writer<W>, report: &Report, suite: &Suite) -> io::Result<()> {
    let path = safe::escape_xml(&suite.path);
    writer
        .create_element("testsuite")
        .with_attribute(("name", path.as_ref()))
        .with_attribute(("tests", suite.tests().to_string().as_str()))
        .with_attribute(("failures", suite.failures().to_string().as_str()))
        .with_attribute(("errors", suite.errors().to_string().as_str()))
        .with_attribute(("skipped", "0"))
        .write_inner_content(|writer| {
            if let Some(message) = suite.read_error {
                let message = safe::escape_xml(&format!("cannot read: {message}")).into_owned();
                testcase(writer, UNREADABLE, &path, None).write_inner_content(|writer| {
                    writer
                        .create_element("error")
                        .with_attribute(("message", message.as_str()))
                        .with_attribute(("type", "read-error"))
                        .write_empty()
                        .map(drop)
                })?;
            } else if suite.findings.is_empty() {
                testcase(writer, CLEAN, &path, None).write_empty()?;
            }
            for finding in &suite.findings {
                let at = report.file(finding.file).line_col(finding.span.start);
                let name = format!("{} ({})", finding.code, finding.name);
                let body = format!(
                    "{}:{at}\n{}",
                    suite.path,
                    super::message_with_help(finding, true)
                );
                testcase(writer, &name, &path, Some(at.line)).write_inner_content(|writer| {
                    writer
                        .create_element("failure")
                        .with_attribute(("message", safe::escape_xml(&finding.message)))
                        .with_attribute(("type", finding.severity.as_str()))
                        .write_text_content(BytesText::new(&safe::escape_xml_lines(&body)))
                        .map(drop)
                })?;
            }
            Ok(())
        })?;
    Ok(())
}

/// A `<testcase>` of the suite for `path`, with the finding's line when there is one.
fn testcase<'w, W>(
    writer: &'w mut Writer<W>,
    name: &str,
    path: &str,
    line: Option<usize>,
) -> ElementWriter<'w, W> {
    let element = writer
        .create_element("testcase")
        .with_attribute(("name", name))
        .with_attribute(("classname", path))
        .with_attribute(("file", path));
    match line {
        Some(line) => element.with_attribute(("line", line.to_string().as_str())),
        None => element,
    }
}
