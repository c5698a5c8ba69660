//! What both backends must do alike.

use intake::engine::record::history::{Countersignature, History, Location};
use intake::engine::select::rollback::{Approval, Previous};

use super::{histories, text, verify_into};

fn approval(version: &str, platform: &str, time: &str) -> Approval {
    Approval {
        version: version.into(),
        platform: platform.into(),
        sha256: "ab".repeat(32),
        time: time.parse().unwrap(),
        checklist: format!("/srv/checklists/meridian-{version}.toml"),
        checklist_sha256: Some("cd".repeat(32)),
        change_request: Some("CR-7".into()),
        operator: "a.operator".into(),
        approver: "b.approver".into(),
        manifest: String::new(),
    }
}

fn open(location: &Location) -> History {
    History::open(location, None).unwrap()
}

#[test]
fn approvals_and_countersignatures_round_trip() {
    for h in histories() {
        let mut history = open(&h.location);
        assert_eq!(history.previous("meridian", "linux-x86_64"), Previous::None);
        let manifest = format!("{}\t5\t0644\tfile\tbin/tool\n", "ef".repeat(32));
        let first = approval("4.2.0", "linux-x86_64", "2026-02-01T09:00:00Z");
        let second = approval("4.2.1", "linux-x86_64", "2026-03-01T09:00:00Z");
        history
            .record("meridian", &first, manifest.as_bytes())
            .unwrap();
        history
            .record("meridian", &second, manifest.as_bytes())
            .unwrap();
        history
            .record(
                "meridian",
                &approval("4.2.1", "windows-x86_64", "2026-04-01T09:00:00Z"),
                b"",
            )
            .unwrap();
        history
            .record(
                "other",
                &approval("9.0", "linux-x86_64", "2026-05-01T09:00:00Z"),
                b"",
            )
            .unwrap();

        // Another connection sees what this one wrote.
        let mut again = open(&h.location);
        match again.previous("meridian", "linux-x86_64") {
            Previous::Found { approval, manifest } => {
                assert_eq!(*approval, second, "{}", h.arg);
                assert_eq!(manifest.unwrap().len(), 1);
            }
            other => panic!("{}: {other:?}", h.arg),
        }
        assert_eq!(again.approvals(Some("meridian"), None).unwrap().len(), 3);
        assert_eq!(
            again.approvals(None, Some("linux-x86_64")).unwrap().len(),
            3
        );
        assert_eq!(again.approvals(None, None).unwrap().len(), 4);

        let countersignature = Countersignature {
            product: "meridian".into(),
            version: "4.2.1".into(),
            platform: "linux-x86_64".into(),
            checklist_sha256: "cd".repeat(32),
            approver: "b.approver".into(),
            fingerprint: "0123 4567".into(),
            time: "2026-03-01T12:00:00Z".parse().unwrap(),
            signature: "/srv/checklists/meridian-4.2.1.toml.approval.asc".into(),
        };
        again.countersign(&countersignature).unwrap();
        assert_eq!(
            open(&h.location)
                .countersignatures(Some("meridian"))
                .unwrap(),
            vec![countersignature]
        );
        assert!(
            open(&h.location)
                .countersignatures(Some("other"))
                .unwrap()
                .is_empty()
        );
    }
}

/// Twenty reviews started together against one history record twenty
/// approvals (the TOML history lost a third of them).
#[test]
fn twenty_concurrent_reviews_record_twenty_approvals() {
    for h in histories() {
        let desk = tempfile::tempdir().unwrap();
        let runs: Vec<_> = (0..20)
            .map(|i| {
                let platform = if i % 2 == 0 {
                    "linux-x86_64"
                } else {
                    "windows-x86_64"
                };
                let (arg, dir) = (h.arg.clone(), desk.path().join(format!("c{i}")));
                std::thread::spawn(move || verify_into(&arg, platform, &dir, &[]))
            })
            .collect();
        for run in runs {
            let o = run.join().unwrap();
            assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        }
        let all = open(&h.location).approvals(Some("meridian"), None).unwrap();
        assert_eq!(all.len(), 20, "{}", h.arg);
        let linux = all
            .iter()
            .filter(|s| s.approval.platform == "linux-x86_64")
            .count();
        assert_eq!(linux, 10);
    }
}

/// The review's rollback check and diff read the history it is given.
#[test]
fn a_review_sees_the_approvals_another_host_recorded() {
    for h in histories() {
        let desk = tempfile::tempdir().unwrap();
        let o = verify_into(&h.arg, "linux-x86_64", &desk.path().join("a"), &[]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(
            text(&o).contains("approval recorded in the"),
            "{}",
            text(&o)
        );
        // As a second host would: another review, the same history.
        let o = verify_into(&h.arg, "linux-x86_64", &desk.path().join("b"), &[]);
        let out = text(&o);
        assert!(
            out.contains("a re-review: 4.2.1 was approved here on"),
            "{out}"
        );
        assert!(out.contains("CR-1"), "{out}");
    }
}

/// `intake history` lists what is approved and what awaits the approver,
/// with the command the approver runs; the walk and `verify` print that
/// command too.
#[test]
fn history_lists_approvals_and_the_command_the_approver_runs() {
    for h in histories() {
        let desk = tempfile::tempdir().unwrap();
        let o = verify_into(&h.arg, "linux-x86_64", desk.path(), &[]);
        let out = text(&o);
        let toml = crate::support::only_file(desk.path(), "toml");
        let command = format!("intake approve {}", toml.canonicalize().unwrap().display());
        assert!(
            out.contains(&format!("approver:  countersigns with `{command}`")),
            "{out}"
        );

        let listed = crate::support::intake_bin()
            .args(["history", "meridian", "--history", &h.arg])
            .output()
            .unwrap();
        assert_eq!(listed.status.code(), Some(0), "{}", text(&listed));
        let out = text(&listed);
        assert!(
            out.contains("meridian 4.2.1 linux-x86_64: approved 20")
                && out.contains("by a.operator and b.approver, CR-1")
                && out.contains(&format!(
                    "awaiting the approver's countersignature: {command}"
                )),
            "{out}"
        );
        let pending = crate::support::intake_bin()
            .args([
                "history",
                "--pending",
                "--platform",
                "windows-x86_64",
                "--history",
                &h.arg,
            ])
            .output()
            .unwrap();
        assert!(
            text(&pending).contains("Nothing awaits a countersignature"),
            "{}",
            text(&pending)
        );
    }
}

/// A history that cannot be opened: `intake history` says which, exit 2.
#[test]
fn history_of_an_unusable_database_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("history.sqlite");
    std::fs::write(&file, vec![0x5a; 4096]).unwrap();
    let o = crate::support::intake_bin()
        .args(["history", "--history"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains(&format!(
            "history database {}: is not an SQLite database",
            file.display()
        )),
        "{}",
        text(&o)
    );
}
