//! The embedded module runs and prints what the interpreter computes.

#[test]
fn embedded_specialized_module_runs() {
    let engine = wasmtime::Engine::default();
    let options = pweval::runner::RunOptions { capture: true, ..Default::default() };
    let result = pweval::runner::run(&engine, pweval_build_rs_example::INTERP_SPECIALIZED, false, &options)
        .expect("run the embedded module");
    assert_eq!(result.trap, None);
    assert_eq!(result.exit_code, 0);
    assert_eq!(String::from_utf8_lossy(&result.stdout), "Result: 500500\n");
    // It really is the specialized build: the request list was answered.
    let info = pweval::module::parse::ModuleInfo::parse(pweval_build_rs_example::INTERP_SPECIALIZED).unwrap();
    assert!(info.func_names.values().any(|n| n == "interpret_spec.pweval.1"));
}
