//! Data-driven tests: every `tests/filetests/**/*.wat` is a case.
//!
//! Directives, one per comment line:
//! - `;; run: f(1, 2)`: call export `f` in the input and in the output and
//!   require the same result or the same trap; `== 3` also pins the value,
//!   `traps` requires a trap;
//! - `;; run-output: f() == 3`: call on the output only (for what differs by
//!   design, such as the "is specialized" flag);
//! - `;; check-in: $func`: later checks look only at that function;
//! - `;; check: TEXT` / `;; check-not: TEXT`: the printed output module must
//!   (not) contain TEXT;
//! - `;; check-count: N TEXT`: it must contain TEXT exactly N times (code
//!   that must not be duplicated);
//! - `;; expect: identical`: the output must be byte-identical to the input;
//! - `;; expect: error TEXT`: pweval must refuse with a message containing TEXT;
//! - `;; flags: --strict --keep-dwarf --max-blocks N`: options for the run.
//!
//! After the runs, exported globals and memories must match. Each case also
//! runs with every section re-encoded (`rewrite_all`), which must not change
//! behaviour. The report (diagnostics and summary) is compared with
//! `NAME.expected`; `BLESS=1 cargo test` rewrites those files.

use std::path::{Path, PathBuf};

use super::harness::{engine, Runner};

#[derive(Clone, Copy)]
enum Occurs {
    Somewhere,
    Never,
    Exactly(usize),
}

struct Case {
    runs: Vec<(String, Vec<String>, Option<String>)>,
    /// Calls checked on the output only (where input and output differ by
    /// design, e.g. the "is specialized" flag).
    output_runs: Vec<(String, Vec<String>, Option<String>)>,
    /// (how often the text must occur, text, function the check is scoped to)
    checks: Vec<(Occurs, String, Option<String>)>,
    max_blocks: Option<usize>,
    identical: bool,
    error: Option<String>,
    strict: bool,
    keep_dwarf: bool,
}

fn parse_case(text: &str) -> Result<Case, String> {
    let mut case =
        Case { runs: vec![], output_runs: vec![], checks: vec![], max_blocks: None, identical: false, error: None, strict: false, keep_dwarf: false };
    let mut scope: Option<String> = None;
    for line in text.lines() {
        let Some(directive) = line.trim().strip_prefix(";;") else { continue };
        let directive = directive.trim();
        let output_only = directive.starts_with("run-output:");
        if let Some(rest) = directive.strip_prefix("run:").or_else(|| directive.strip_prefix("run-output:")) {
            let rest = rest.trim();
            let (call, expect) = match rest.split_once("==") {
                Some((c, e)) => (c.trim(), Some(e.trim().to_string())),
                None => match rest.strip_suffix("traps") {
                    Some(c) => (c.trim(), Some("trap".to_string())),
                    None => (rest, None),
                },
            };
            let open = call.find('(').ok_or_else(|| format!("bad run directive: {line}"))?;
            let name = call[..open].trim().to_string();
            let inner = call[open + 1..].trim_end_matches(')');
            let args = inner.split(',').map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
            if output_only {
                case.output_runs.push((name, args, expect));
            } else {
                case.runs.push((name, args, expect));
            }
        } else if let Some(rest) = directive.strip_prefix("check-in:") {
            scope = Some(rest.trim().to_string());
        } else if let Some(rest) = directive.strip_prefix("check-not:") {
            case.checks.push((Occurs::Never, rest.trim().to_string(), scope.clone()));
        } else if let Some(rest) = directive.strip_prefix("check:") {
            case.checks.push((Occurs::Somewhere, rest.trim().to_string(), scope.clone()));
        } else if let Some(rest) = directive.strip_prefix("check-count:") {
            let (n, needle) = rest.trim().split_once(' ').ok_or_else(|| format!("bad check-count: {line}"))?;
            let n = n.parse().map_err(|_| format!("bad check-count: {line}"))?;
            case.checks.push((Occurs::Exactly(n), needle.trim().to_string(), scope.clone()));
        } else if let Some(rest) = directive.strip_prefix("expect:") {
            let rest = rest.trim();
            if rest == "identical" {
                case.identical = true;
            } else if let Some(msg) = rest.strip_prefix("error") {
                case.error = Some(msg.trim().to_string());
            } else {
                return Err(format!("unknown expectation: {line}"));
            }
        } else if let Some(rest) = directive.strip_prefix("flags:") {
            let mut flags = rest.split_whitespace();
            while let Some(flag) = flags.next() {
                match flag {
                    "--strict" => case.strict = true,
                    "--keep-dwarf" => case.keep_dwarf = true,
                    "--max-blocks" => {
                        let n = flags.next().and_then(|n| n.parse().ok());
                        case.max_blocks = Some(n.ok_or("--max-blocks needs a number")?);
                    }
                    other => return Err(format!("unknown flag {other}")),
                }
            }
        }
    }
    Ok(case)
}

fn report_text(report: &pweval::Report) -> String {
    let mut s = String::new();
    for d in &report.diagnostics {
        s += &format!("{d}\n");
    }
    s += &report.summary();
    s.push('\n');
    s
}

fn run_case(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let case = parse_case(&text)?;
    let input = wat::parse_str(&text).map_err(|e| format!("bad test input: {e}"))?;
    let engine = engine();
    for rewrite_all in [false, true] {
        let mut options =
            pweval::Options { strict: case.strict, keep_dwarf: case.keep_dwarf, rewrite_all, ..pweval::Options::default() };
        if let Some(n) = case.max_blocks {
            options.limits.max_blocks = n;
        }
        let result = pweval::process(&input, &options);
        let (report, output) = match (&case.error, result) {
            (Some(want), Err(e)) => {
                let msg = e.to_string();
                if !msg.contains(want.as_str()) {
                    return Err(format!("error {msg:?} does not contain {want:?}"));
                }
                (format!("error: {msg}\n"), None)
            }
            (Some(_), Ok(_)) => return Err("expected an error, got an output".into()),
            (None, Err(e)) => return Err(format!("pweval failed: {e}")),
            (None, Ok(out)) => (report_text(&out.report), Some(out.wasm)),
        };
        let mode = if rewrite_all { " (rewrite-all)" } else { "" };
        if !rewrite_all {
            compare_expected(path, &report)?;
        }
        let Some(output) = output else { continue };
        if case.identical && !rewrite_all && output != input {
            return Err("output is not byte-identical to the input".into());
        }
        let printed = wasmprinter::print_bytes(&output).map_err(|e| e.to_string())?;
        if !rewrite_all {
            for (want, needle, scope) in &case.checks {
                let text = match scope {
                    Some(func) => function_text(&printed, func)
                        .ok_or_else(|| format!("no function {func} in the output:\n{printed}"))?,
                    None => printed.as_str(),
                };
                let found = text.matches(needle.as_str()).count();
                let what = scope.as_deref().unwrap_or("output");
                match *want {
                    Occurs::Somewhere if found == 0 => return Err(format!("{what} lacks {needle:?}:\n{text}")),
                    Occurs::Never if found > 0 => return Err(format!("{what} contains {needle:?}:\n{text}")),
                    Occurs::Exactly(n) if found != n => {
                        return Err(format!("{what} contains {needle:?} {found} times, not {n}:\n{text}"))
                    }
                    _ => {}
                }
            }
        }
        let mut before = Runner::new(&engine, &input)?;
        let mut after = Runner::new(&engine, &output)?;
        if before.init_error != after.init_error {
            return Err(format!(
                "instantiation differs{mode}: {:?} vs {:?}",
                before.init_error, after.init_error
            ));
        }
        for (name, args, expect) in &case.runs {
            if before.instance.is_none() {
                break;
            }
            let a = before.call(name, args)?;
            let b = after.call(name, args)?;
            if a != b {
                return Err(format!("{name}({}){mode}: input gives {a}, output gives {b}", args.join(", ")));
            }
            match expect.as_deref() {
                Some("trap") if !a.starts_with("trap") => {
                    return Err(format!("{name}: expected a trap, got {a}"))
                }
                Some(want) if want != "trap" && a != want => {
                    return Err(format!("{name}: expected {want}, got {a}"))
                }
                _ => {}
            }
        }
        let (sa, sb) = (before.observable_state(), after.observable_state());
        if sa != sb && case.output_runs.is_empty() {
            return Err(format!("final state differs{mode}:\n{sa}---\n{sb}"));
        }
        for (name, args, expect) in &case.output_runs {
            let got = after.call(name, args)?;
            match expect.as_deref() {
                Some("trap") if !got.starts_with("trap") => {
                    return Err(format!("output {name}: expected a trap, got {got}"))
                }
                Some(want) if want != "trap" && got != want => {
                    return Err(format!("output {name}{mode}: expected {want}, got {got}"))
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// The printed text of function `name` (`$name`) within a printed module.
pub fn function_text<'t>(printed: &'t str, name: &str) -> Option<&'t str> {
    let start = printed.find(&format!("(func {name} "))?;
    let rest = &printed[start..];
    let end = rest[1..].find("\n  (").map_or(rest.len(), |i| i + 1);
    Some(&rest[..end])
}

fn compare_expected(path: &Path, report: &str) -> Result<(), String> {
    let expected_path = path.with_extension("expected");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, report).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path).map_err(|_| {
        format!("missing {}; run with BLESS=1 to create it", expected_path.display())
    })?;
    if expected != report {
        return Err(format!(
            "report differs from {} (BLESS=1 to update):\n--- expected\n{expected}--- actual\n{report}",
            expected_path.display()
        ));
    }
    Ok(())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "wat") {
            out.push(path);
        }
    }
}

#[test]
fn filetests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests");
    let mut cases = Vec::new();
    collect(&root, &mut cases);
    cases.sort();
    assert!(cases.len() >= 10, "expected the filetest corpus, found {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(e) = run_case(case) {
            failures.push(format!("{}: {e}", case.strip_prefix(&root).unwrap_or(case).display()));
        }
    }
    assert!(failures.is_empty(), "{} of {} filetests failed:\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}
