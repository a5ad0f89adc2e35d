//! Runs `cargo-bpcheck` on every fixture and compares its findings with the `//~`
//! markers in the fixture's sources. All fixtures are checked before failing, and
//! the failure lists every mismatch of every fixture.

use bpcheck_tests::{
    check_fixture, dir_name, expected_findings, fixture_args, fixture_dir, fixture_dirs,
    run_bpcheck,
};

/// Fixtures the suite relies on; a missing one is an error, not a silent skip.
const REQUIRED: &[&str] = &[
    "actor_kameo_ping_pong",
    "actor_worker_pool_dispatcher",
    "actor_worker_pool_try_send",
    "allow_comment",
    "ask_cycle_actors",
    "ask_tell_actors",
    "bad_input",
    "bad_root",
    "bounded_producer",
    "cfg_test_code",
    "channel_libraries",
    "connection_awaits_main_loop",
    "connection_reader_writer_split",
    "const_capacity",
    "creation_in_macros",
    "creation_sites",
    "graph_cycle_through_struct",
    "embassy_static_channel",
    "executor_waker_requeue",
    "graph_callback_elsewhere",
    "graph_gateway_cycle",
    "graph_gateway_per_connection",
    "graph_gateway_priority",
    "graph_gateway_select_send",
    "graph_gateway_stream_priority",
    "graph_oneshot_reply",
    "graph_self_send",
    "graph_spawn_wrapper",
    "graph_std_thread_cycle",
    "graph_three_stage_pipeline",
    "graph_try_send_edge",
    "helper_wraps_unbounded",
    "metrics_try_send",
    "module_tree",
    "multi_target",
    "multi_target_all",
    "permit_acquire_owned_before_spawn",
    "permit_admission_not_carried",
    "permit_buffer_unordered",
    "permit_idioms",
    "permit_inside_task",
    "permit_joinset_len",
    "permit_let_underscore",
    "permit_not_moved",
    "permit_semaphore_work_queue",
    "permit_spawn_per_connection",
    "permit_spawn_wrapper",
    "permit_thread_per_job",
    "permit_unadmitted_actor",
    "resolve_extern_crate_alias",
    "resolve_full_path",
    "resolve_glob",
    "resolve_glob_in_fn_shadows_module",
    "resolve_glob_shadowed_by_local",
    "resolve_glob_visibility",
    "resolve_leading_colons",
    "resolve_local_named_channel",
    "resolve_nested_inline_modules",
    "resolve_reexport_local_module",
    "resolve_renamed_crate",
    "resolve_use_alias",
    "resolve_use_group_self",
    "resolve_use_in_fn_body",
    "semaphore_work_queue",
    "spawn_per_item_vec_param",
    "spawn_per_item_with_permit",
    "three_stage_pipeline",
    "unbounded_helper_call_sites",
    "unbounded_producer",
    "workspace_members",
    "zero_capacity",
];

#[test]
fn every_fixture_matches_its_markers() {
    let dirs = fixture_dirs();
    let names: Vec<String> = dirs.iter().map(|d| dir_name(d)).collect();
    for required in REQUIRED {
        assert!(
            names.iter().any(|n| n == required),
            "fixture {required} not found; found {names:?}"
        );
    }

    let mut report = String::new();
    let mut failed = 0;
    for dir in &dirs {
        let problems = check_fixture(dir);
        if !problems.is_empty() {
            failed += 1;
            report.push_str(&format!("fixture {}:\n", dir_name(dir)));
            for p in problems {
                report.push_str(&format!("    {p}\n"));
            }
        }
    }
    assert!(
        report.is_empty(),
        "{failed} of {} fixtures do not match their markers:\n{report}",
        dirs.len()
    );
}

/// Guards against markers silently not being read (a harness bug would make every
/// fixture look like a negative case and the comparison above vacuous).
/// Skimming (bodies that mention nothing the analysis follows are not parsed) changes no
/// output: every fixture gives byte-identical JSON with `--no-skim`.
#[test]
fn skimming_changes_no_finding() {
    let mut differ = Vec::new();
    for dir in fixture_dirs() {
        let manifest = dir.join("Cargo.toml");
        let mut args = vec![
            "--manifest-path".to_string(),
            manifest.display().to_string(),
            "--message-format".to_string(),
            "json".to_string(),
        ];
        args.extend(fixture_args(&dir));
        let skimmed = run_bpcheck(&args);
        args.push("--no-skim".to_string());
        let whole = run_bpcheck(&args);
        if (skimmed.stdout.as_str(), skimmed.code) != (whole.stdout.as_str(), whole.code) {
            differ.push(dir_name(&dir));
        }
    }
    assert!(
        differ.is_empty(),
        "skimming changes the output of {differ:?}"
    );
}

#[test]
fn markers_are_read_from_the_fixtures() {
    let count = |name: &str, code: &str| {
        expected_findings(&fixture_dir(name))
            .iter()
            .filter(|k| k.code == code)
            .count()
    };
    assert_eq!(count("unbounded_producer", "BP001"), 1);
    assert_eq!(count("bounded_producer", "BP001"), 0);
    assert_eq!(count("channel_libraries", "BP001"), 11);
    assert_eq!(count("zero_capacity", "BP008"), 6);
    assert_eq!(count("module_tree", "BP001"), 15);
    assert_eq!(count("multi_target", "BP001"), 6);
    assert_eq!(count("multi_target_all", "BP001"), 11);
    assert_eq!(count("cfg_test_code", "BP001"), 3);
    assert_eq!(count("bad_input", "BP900"), 1);
    assert_eq!(count("bad_input", "BP901"), 1);
    assert_eq!(count("bad_input", "BP902"), 3);
    assert_eq!(count("bad_root", "BP900"), 1);
    let files: Vec<String> = expected_findings(&fixture_dir("module_tree"))
        .into_iter()
        .map(|k| k.file)
        .collect();
    assert!(
        files.contains(&"src/store/cache/lru.rs".to_string()),
        "{files:?}"
    );
    assert!(
        files.contains(&"src/platform/unix_impl.rs".to_string()),
        "{files:?}"
    );
}
