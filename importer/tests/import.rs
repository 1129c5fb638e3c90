//! The `whatsapp-contacts` importer as a user runs it, against the provider mock on 127.0.0.1:
//! mapping, reports, bad input, tokens, dry runs, retries, resumption, and each provider's
//! rules. The long fault and kill runs are in `import_faults.rs`.

mod support;

use std::path::Path;
use std::sync::atomic::Ordering;
use support::mock::{Fault, FaultPlan, Mock, BOOK};
use support::{importer, report, report_by_row, run, scratch, TOKEN};

fn whats91_args<'a>(mock_url: &'a str, file: &'a Path) -> Vec<&'a str> {
    vec!["import", "whats91", "--book", BOOK, "--base-url", mock_url, file.to_str().unwrap()]
}

fn journal_of(report: &Path) -> std::path::PathBuf {
    report.with_file_name(format!("{}.journal", report.file_name().unwrap().to_str().unwrap()))
}

#[tokio::test(flavor = "multi_thread")]
async fn whats91_rows_are_mapped_sent_and_reported_row_by_row() {
    let dir = scratch("whats91-mapping");
    let file = dir.join("leads.csv");
    std::fs::write(
        &file,
        "Phone,Name,First Name,Notes,Ref\n\
         +911,Ann A,Ann,call back,r-1\n\
         ,No Phone,Nobody,,r-2\n\
         bad-2,Bad,Bad,,r-3\n\
         +913,\"Cruz, Carl\",Carl,,\n\
         +911,Ann Again,Ann,,r-5\n",
    )
    .unwrap();
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    let mut args = whats91_args(&url, &file);
    args.extend(["--map", "Notes=-", "--map", "Ref=customFields.reference"]);
    let out = run(importer(&args)).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(
        out.stderr.contains(
            "columns Phone → phone, Name → displayName, First Name → firstName, Notes → (dropped), Ref → customFields.reference"
        ),
        "{out:?}"
    );
    assert!(out.stderr.contains("5 of 5 rows have a result"), "{out:?}");

    let report_path = dir.join("leads.whats91-report.csv");
    let rows = report_by_row(&report_path, 5);
    let status: Vec<&str> = (1..=5).map(|r| rows[&r].status.as_str()).collect();
    // Row 5 repeats row 1's phone: the last row wins, row 1 is not sent.
    assert_eq!(status, ["DUPLICATE", "REJECTED", "INVALID", "CREATED", "CREATED"]);
    assert_eq!(rows[&1].reason, "row 5 has the same phone and is imported instead (the last row wins)");
    assert_eq!(rows[&2].reason, "column `Phone`: the phone number is empty");
    assert_eq!((rows[&2].line, rows[&4].line), (3, 5));
    assert_eq!(rows[&3].reason, "INVALID_PHONE");
    let book = mock.state.book();
    assert_eq!(rows[&5].uid, book["+911"].uid);
    assert_eq!(book.len(), 2);
    assert_eq!(book["+911"].custom, Some(serde_json::json!({"reference": "r-5"})), "Notes is dropped");
    assert_eq!(book["+913"].display_name.as_deref(), Some("Cruz, Carl"));
    assert_eq!(book["+913"].custom, None, "an empty cell sends nothing");
    assert!(journal_of(&report_path).exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn json_lines_keep_value_types_and_reject_rows_they_cannot_map() {
    let dir = scratch("whats91-jsonl");
    let file = dir.join("contacts.ndjson");
    std::fs::write(
        &file,
        "{\"phone\": 919000000001, \"firstName\": \"Ann\", \"score\": 7, \"tags\": [\"a\"]}\n\
         \n\
         {\"phone\": \"+912\", \"firstName\": [\"not\", \"text\"]}\n\
         {\"mobile\": \"+913\", \"vip\": true, \"score\": null}\n",
    )
    .unwrap();
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    let out = run(importer(&whats91_args(&url, &file))).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    let rows = report_by_row(&dir.join("contacts.whats91-report.csv"), 3);
    assert_eq!((rows[&2].status.as_str(), rows[&2].line), ("REJECTED", 3));
    assert_eq!(rows[&2].reason, "column `firstName`: expected text, found an array");
    let book = mock.state.book();
    assert_eq!(book["919000000001"].custom, Some(serde_json::json!({"score": 7, "tags": ["a"]})));
    assert_eq!(book["+913"].custom, Some(serde_json::json!({"vip": true})), "null is left out");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_refused_as_a_whole_is_split_until_the_bad_row_is_alone() {
    let dir = scratch("whats91-bisect");
    let file = dir.join("c.csv");
    let mut text = String::from("phone,poison\n");
    for i in 1..=10 {
        text.push_str(&format!("+91{i},{}\n", if i == 7 { "yes" } else { "" }));
    }
    std::fs::write(&file, text).unwrap();
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    let out = run(importer(&whats91_args(&url, &file))).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    let rows = report_by_row(&dir.join("c.whats91-report.csv"), 10);
    for r in 1..=10 {
        let want = if r == 7 { "FAILED" } else { "CREATED" };
        assert_eq!(rows[&r].status, want, "row {r}: {:?}", rows[&r]);
    }
    assert_eq!(rows[&7].reason, "HTTP 400 VALIDATION_FAILED: Invalid custom fields");
    assert_eq!(mock.state.book().len(), 9);
    // 10 → 5+5 → the bad half 5 → 2+3 → 3 → 1+2 → 2 → 1+1: 7 requests, not one per row.
    assert_eq!(mock.state.import_requests.load(Ordering::Relaxed), 7);
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_files_are_refused_before_anything_is_sent() {
    let dir = scratch("malformed");
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "bad-utf8.csv",
            b"phone,firstName\n+911,Ann\n+912,B\xffob\n",
            "bad-utf8.csv:3: column 2 (firstName): not valid UTF-8",
        ),
        (
            "ragged.csv",
            b"phone,firstName\n+911,Ann\n+912\n+913,Cy\n",
            "ragged.csv:3: the row has 1 field, the header has 2 columns",
        ),
        ("no-phone.csv", b"name,email\nAnn,a@example.com\n", "no-phone.csv: no column maps to `phone`"),
        ("empty.csv", b"", "empty.csv: the file is empty; a CSV file starts with a header row"),
        ("header-only.csv", b"phone,name\n", "header-only.csv: the file has no rows to import"),
        ("broken.jsonl", b"{\"phone\":\"+911\"}\n{\"phone\": \"+912\",}\n", "broken.jsonl:2:18: trailing comma"),
    ];
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    for (name, bytes, message) in cases {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = run(importer(&whats91_args(&url, &file))).await;
        assert_eq!(out.code(), Some(1), "{name}: {out:?}");
        assert!(
            out.stderr.contains("error: ") && out.stderr.contains(message),
            "{name}: wanted {message:?} in {out:?}"
        );
        let stem = name.split('.').next().unwrap();
        assert!(!dir.join(format!("{stem}.whats91-report.csv")).exists(), "{name}: no report");
        assert!(!dir.join(format!("{stem}.whats91-report.csv.journal")).exists(), "{name}: no journal");
    }
    let ragged = run(importer(&whats91_args(&url, &dir.join("ragged.csv")))).await;
    assert!(ragged.stderr.contains("1 of 3 rows cannot be read, so nothing was sent"), "{ragged:?}");
    assert!(ragged.stderr.contains("--skip-malformed"), "{ragged:?}");
    assert_eq!(mock.state.requests.load(Ordering::Relaxed), 0, "nothing reached the server");
}

#[tokio::test(flavor = "multi_thread")]
async fn skip_malformed_imports_the_readable_rows_and_reports_the_others() {
    let dir = scratch("skip-malformed");
    let file = dir.join("c.csv");
    std::fs::write(&file, b"phone,firstName\n+911,Ann\n+912,B\xffob\n+913\n+914,Dee\n").unwrap();
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    let mut args = whats91_args(&url, &file);
    args.push("--skip-malformed");
    let out = run(importer(&args)).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    let rows = report_by_row(&dir.join("c.whats91-report.csv"), 4);
    assert_eq!(rows[&2].status, "REJECTED");
    assert_eq!(rows[&2].reason, "malformed row: column 2 (firstName): not valid UTF-8 (after 1 valid bytes)");
    assert_eq!(rows[&3].reason, "malformed row: the row has 1 field, the header has 2 columns");
    assert_eq!((rows[&1].status.as_str(), rows[&4].status.as_str()), ("CREATED", "CREATED"));
    assert_eq!(mock.state.book().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_checks_every_row_and_sends_nothing() {
    let dir = scratch("dry-run");
    let file = dir.join("c.csv");
    let long = "x".repeat(256);
    std::fs::write(&file, format!("First,lastname,phone\nAsha,Rao,+911\n{long},Rao,+912\nBo,,+913\n")).unwrap();
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    let path = file.to_str().unwrap();
    let args = [
        "import",
        "wacr",
        "--base-url",
        &url,
        "--map",
        "First=firstname",
        "--type",
        "lead",
        "--source-id",
        "1",
        "--status-id",
        "2",
        "--dry-run",
        path,
    ];
    let mut cmd = importer(&args);
    cmd.env_remove("WACR_TOKEN");
    let out = run(cmd).await;
    assert_eq!(out.code(), Some(4), "{out:?}");
    assert!(out.stderr.contains("c.csv:3: column `First`: firstname (maxLength): "), "{out:?}");
    assert!(out.stderr.contains("c.csv:4: lastname is empty; WA.cr requires it"), "{out:?}");
    assert!(out.stderr.contains("3 rows: 1 would be sent, 2 would be rejected; nothing was sent"), "{out:?}");
    assert_eq!(mock.state.requests.load(Ordering::Relaxed), 0);
    assert!(!dir.join("c.wacr-report.csv").exists() && !dir.join("c.wacr-report.csv.journal").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_never_appears_in_output_report_or_journal() {
    let dir = scratch("token");
    let file = dir.join("c.csv");
    std::fs::write(&file, "phone,name\n+911,Ann\n+912,Bo\n").unwrap();
    let mock = Mock::start(TOKEN, FaultPlan::script([Some(Fault::Unavailable), Some(Fault::ResetAfter)])).await;
    let url = mock.url();
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let mut args = whats91_args(&url, &file);
    args.extend(["-vv", "--token-file", token_file.to_str().unwrap()]);
    let mut cmd = importer(&args);
    cmd.env_remove("WHATS91_TOKEN");
    let out = run(cmd).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(out.stderr.contains("HTTP 503; retrying"), "the retries are logged: {out:?}");
    // A wrong token: the server's refusal is reported, the token is not.
    let other_report = dir.join("other.csv");
    let mut wrong_args = whats91_args(&url, &file);
    wrong_args.extend(["--report", other_report.to_str().unwrap()]);
    let mut wrong = importer(&wrong_args);
    wrong.env("WHATS91_TOKEN", "tok-WRONG-77");
    let refused = run(wrong).await;
    assert_eq!(refused.code(), Some(1), "{refused:?}");
    assert!(refused.stderr.contains("the server refused the token: HTTP 401"), "{refused:?}");
    let report_path = dir.join("c.whats91-report.csv");
    let texts = [
        out.output(),
        refused.output(),
        std::fs::read_to_string(&report_path).unwrap(),
        std::fs::read_to_string(journal_of(&report_path)).unwrap(),
    ];
    for text in texts {
        assert!(!text.contains(TOKEN) && !text.contains("tok-WRONG-77"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_token_stops_the_import_at_the_first_answer() {
    let dir = scratch("refused-token");
    let file = dir.join("c.csv");
    support::contacts_csv(&file, 30);
    let mock = Mock::start("another-token", FaultPlan::none()).await;
    let url = mock.url();
    let mut args = whats91_args(&url, &file);
    args.extend(["--batch-size", "10", "--concurrency", "1"]);
    let out = run(importer(&args)).await;
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("error: the server refused the token: HTTP 401 INVALID_AUTH_TOKEN: Invalid token"),
        "{out:?}"
    );
    assert!(out.stderr.contains("0 of 30 rows have a result"), "{out:?}");
    assert_eq!(mock.state.import_requests.load(Ordering::Relaxed), 1, "no request after the refusal");
    // With the right token the import goes on; the refused batch was answered, so its rows were
    // not applied and are not `resent`.
    let mut right = importer(&args);
    right.env("WHATS91_TOKEN", "another-token");
    let out = run(right).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    let rows = report_by_row(&dir.join("c.whats91-report.csv"), 30);
    assert!(rows.values().all(|r| r.status == "CREATED" && !r.resent), "{rows:?}");
}

/// Contacts on the server after each step of a re-import, counted by the mock: Whats91 holds a
/// phone once, Kirim counts every contact it created, WA.cr refuses a phone it has.
#[tokio::test(flavor = "multi_thread")]
async fn re_importing_an_edited_file_with_a_fresh_report_creates_no_duplicate() {
    let dir = scratch("re-import");
    let full = dir.join("c.csv");
    support::contacts_csv(&full, 100);
    let text = std::fs::read_to_string(&full).unwrap();
    let without_10th = dir.join("without-10th.csv");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(10); // line 1 is the header: this is row 10
    std::fs::write(&without_10th, lines.join("\n") + "\n").unwrap();
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    let targets: [(&str, Vec<&str>); 3] = [
        ("whats91", vec!["--book", BOOK]),
        ("kirim", vec!["--phone-number-id", "1065"]),
        ("wacr", vec!["--type", "lead", "--source-id", "1", "--status-id", "2"]),
    ];
    for (provider, target) in targets {
        let on_server = || match provider {
            "whats91" => mock.state.book().len() as u32,
            "kirim" => mock.state.kirim().values().map(|c| c.created).sum(),
            _ => mock.state.wacr().values().map(|c| c.created).sum(),
        };
        for (step, file) in [("first", &full), ("again", &full), ("edited", &without_10th)] {
            let report = dir.join(format!("{provider}-{step}.csv"));
            let mut args = vec!["import", provider, "--base-url", &url, "--report", report.to_str().unwrap()];
            args.extend(&target);
            args.push(file.to_str().unwrap());
            let out = run(importer(&args)).await;
            assert_eq!(out.code(), Some(0), "{provider} {step}: {out:?}");
            assert_eq!(on_server(), 100, "{provider} {step}: contacts on the server");
            let rows = report_by_row(&report, if step == "edited" { 99 } else { 100 });
            let expected = match (provider, step) {
                (_, "first") => "CREATED",
                ("whats91", _) => "UPDATED",
                ("kirim", _) => "CREATED", // the server replays its first answer
                _ => "ALREADY_EXISTS",
            };
            assert!(rows.values().all(|r| r.status == expected), "{provider} {step}: {rows:?}");
        }
    }
    assert_eq!(mock.state.replays.load(Ordering::Relaxed), 199, "Kirim replayed every contact sent again");
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_is_waited_for_before_the_next_request() {
    let dir = scratch("retry-after");
    let file = dir.join("c.csv");
    support::contacts_csv(&file, 3);
    let mock = Mock::start(TOKEN, FaultPlan::script([Some(Fault::TooMany)])).await;
    let url = mock.url();
    let mut args = whats91_args(&url, &file);
    args.push("-v");
    let out = run(importer(&args)).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(out.stderr.contains("rows 1–3: HTTP 429; retrying in 1000 ms"), "{out:?}");
    let arrivals = mock.state.arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 2);
    // A lower bound only: the server asked for one second, so the retry cannot come sooner.
    assert!(arrivals[1] - arrivals[0] >= std::time::Duration::from_secs(1), "{:?}", arrivals[1] - arrivals[0]);
    let rows = report_by_row(&dir.join("c.whats91-report.csv"), 3);
    assert!(rows.values().all(|r| r.status == "CREATED" && !r.resent), "a 429 was not applied: {rows:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_that_gives_up_goes_on_when_run_again() {
    let dir = scratch("give-up");
    let file = dir.join("c.csv");
    support::contacts_csv(&file, 50);
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    let mut args = whats91_args(&url, &file);
    args.extend(["--batch-size", "10", "--concurrency", "1", "--max-retries", "1"]);
    // Two batches go through, then the server stays unavailable.
    mock.state.set_faults(FaultPlan::script([None, None, Some(Fault::Unavailable), Some(Fault::Unavailable)]));
    let first = run(importer(&args)).await;
    assert_eq!(first.code(), Some(3), "{first:?}");
    assert!(first.stderr.contains("stopped: rows 21–30: HTTP 503 (2 attempts)"), "{first:?}");
    assert!(first.stderr.contains("Run the same command again to go on"), "{first:?}");
    assert_eq!(report(&dir.join("c.whats91-report.csv")).len(), 20, "the partial report has the rows done");
    let second = run(importer(&args)).await;
    assert_eq!(second.code(), Some(0), "{second:?}");
    assert!(second.stderr.contains("resuming: 20 of 50 rows already have a result"), "{second:?}");
    assert!(second.stderr.contains("this run: 30 rows sent in 3 requests"), "{second:?}");
    report_by_row(&dir.join("c.whats91-report.csv"), 50);
    // Run a third time: nothing is left to send.
    let third = run(importer(&args)).await;
    assert_eq!(third.code(), Some(0), "{third:?}");
    assert!(third.stderr.contains("this run: 0 rows sent in 0 requests"), "{third:?}");
    assert_eq!(mock.state.book().len(), 50);
    assert_eq!(mock.state.reapplied.load(Ordering::Relaxed), 0, "no row was sent twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_journal_is_not_resumed_against_another_file() {
    let dir = scratch("other-file");
    let file = dir.join("c.csv");
    support::contacts_csv(&file, 5);
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    assert_eq!(run(importer(&whats91_args(&url, &file))).await.code(), Some(0));
    let before = mock.state.requests.load(Ordering::Relaxed);
    std::fs::write(&file, std::fs::read_to_string(&file).unwrap().replace("F3,", "Fred,")).unwrap();
    let out = run(importer(&whats91_args(&url, &file))).await;
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("c.whats91-report.csv.journal belongs to another import"), "{out:?}");
    assert!(out.stderr.contains("it was written for another input"), "{out:?}");
    let mut other_book = whats91_args(&url, &file);
    other_book[3] = "grp_other";
    std::fs::write(&file, std::fs::read_to_string(&file).unwrap().replace("Fred,", "F3,")).unwrap();
    let out = run(importer(&other_book)).await;
    assert!(out.stderr.contains("target book was `grp_test`, now `grp_other`"), "{out:?}");
    assert_eq!(mock.state.requests.load(Ordering::Relaxed), before, "nothing was sent");
    // A wrong --book stops at the server's 404; the corrected command is refused (the journal
    // is the wrong book's) until --restart starts over.
    let report = dir.join("wrong-book.csv");
    let mut wrong_book = whats91_args(&url, &file);
    wrong_book[3] = "grp_wrong";
    wrong_book.extend(["--report", report.to_str().unwrap()]);
    assert_eq!(run(importer(&wrong_book)).await.code(), Some(1));
    let mut corrected = wrong_book.clone();
    corrected[3] = BOOK;
    let out = run(importer(&corrected)).await;
    assert!(out.stderr.contains("target book was `grp_wrong`, now `grp_test`") && out.stderr.contains("add --restart"));
    corrected.push("--restart");
    let out = run(importer(&corrected)).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert!(report_by_row(&report, 5).values().all(|r| r.status != "FAILED"), "{out:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn kirim_keys_make_a_repeated_run_replay_instead_of_creating_again() {
    let dir = scratch("kirim-repeat");
    let file = dir.join("c.jsonl");
    std::fs::write(&file, "{\"phone\":\"+621\",\"name\":\"Budi\",\"segment\":\"vip\"}\n{\"phone_number\":\"+622\",\"email\":\"not-an-email\"}\n{\"phone\":\"+623\"}\n").unwrap();
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    let path = file.to_str().unwrap();
    let first = run(importer(&["import", "kirim", "--phone-number-id", "1065", "--base-url", &url, path])).await;
    assert_eq!(first.code(), Some(0), "{first:?}");
    let rows = report_by_row(&dir.join("c.kirim-report.csv"), 3);
    assert_eq!(rows[&2].status, "REJECTED");
    assert!(
        rows[&2].reason == "column `email`: email (format): \"not-an-email\" is not an email address",
        "{:?}",
        rows[&2]
    );
    assert_eq!(rows[&1].uid, mock.state.kirim()["+621"].id);
    // The same file again, with a fresh report and journal: the server sees the same keys.
    let again = dir.join("again.csv");
    let args =
        ["import", "kirim", "--phone-number-id", "1065", "--base-url", &url, "--report", again.to_str().unwrap(), path];
    let second = run(importer(&args)).await;
    assert_eq!(second.code(), Some(0), "{second:?}");
    assert_eq!(mock.state.replays.load(Ordering::Relaxed), 2);
    assert!(mock.state.kirim().values().all(|c| c.created == 1), "{:?}", mock.state.kirim());
    assert_eq!(report_by_row(&again, 3)[&1].uid, rows[&1].uid);
}

#[tokio::test(flavor = "multi_thread")]
async fn wacr_takes_defaults_refuses_unknown_columns_and_recognises_its_own_contacts() {
    let dir = scratch("wacr");
    let file = dir.join("c.csv");
    std::fs::write(&file, "firstname,lastname,phone,source_id,Groups\nAsha,Rao,+911,,3;4\nBo,Li,+912,9,\n").unwrap();
    // The first answer is lost after the contact was created: the retry finds the phone taken.
    let mock = Mock::start(TOKEN, FaultPlan::script([Some(Fault::ResetAfter)])).await;
    let url = mock.url();
    let path = file.to_str().unwrap();
    let base = ["import", "wacr", "--base-url", &url, "--concurrency", "1", "--type", "customer"];
    let mut args = base.to_vec();
    args.push(path);
    let out = run(importer(&args)).await;
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(out.stderr.contains("no column maps to `status_id`, which every WA.cr contact needs"), "{out:?}");
    args.splice(args.len() - 1.., ["--source-id", "115", "--status-id", "287", path]);
    let out = run(importer(&args)).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    let rows = report_by_row(&dir.join("c.wacr-report.csv"), 2);
    assert_eq!(rows[&1].status, "ALREADY_EXISTS", "{:?}", rows[&1]);
    assert!(rows[&1].resent && rows[&1].reason.contains("most likely created the contact"), "{:?}", rows[&1]);
    assert_eq!((rows[&2].status.as_str(), rows[&2].uid.as_str()), ("CREATED", "2"));
    assert!(mock.state.wacr().values().all(|c| c.created == 1));

    let extra = dir.join("extra.csv");
    std::fs::write(&extra, "firstname,lastname,phone,Notes\nA,B,+913,x\n").unwrap();
    args.splice(args.len() - 1.., [extra.to_str().unwrap()]);
    let out = run(importer(&args)).await;
    assert_eq!(out.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("column `Notes` matches no WA.cr field") && out.stderr.contains("--map 'Notes=-'"),
        "{out:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_book_prints_the_new_uid() {
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    let out = run(importer(&["create-book", "--name", "Retail Leads", "--color", "#0f62fe", "--base-url", &url])).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, "grp_1\n");
    assert!(out.stderr.contains("created contact book `Retail Leads`"), "{out:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_phone_imports_its_last_row_whatever_the_batch_size() {
    let dir = scratch("repeated-phone");
    let file = dir.join("c.csv");
    std::fs::write(&file, "phone,First Name\n+91 1,Ann\n+912,Bo\n+9 11,Cy\n+913,Di\n+911,Ed\n").unwrap();
    for batch in ["1", "2", "1000"] {
        let mock = Mock::start(TOKEN, FaultPlan::none()).await;
        let url = mock.url();
        let report = dir.join(format!("batch-{batch}.csv"));
        let mut args = whats91_args(&url, &file);
        args.extend(["--batch-size", batch, "--report", report.to_str().unwrap()]);
        let out = run(importer(&args)).await;
        assert_eq!(out.code(), Some(0), "{out:?}");
        let rows = report_by_row(&report, 5);
        for (row, winner) in [(1, 5), (3, 5)] {
            assert_eq!(rows[&row].status, "DUPLICATE", "batch {batch}: {:?}", rows[&row]);
            assert_eq!(
                rows[&row].reason,
                format!("row {winner} has the same phone and is imported instead (the last row wins)")
            );
        }
        assert!([2, 4, 5].iter().all(|r| rows[r].status == "CREATED"), "batch {batch}: {rows:?}");
        let book = mock.state.book();
        assert_eq!(book.len(), 3, "batch {batch}: {book:?}");
        assert_eq!(book["+911"].first_name.as_deref(), Some("Ed"), "batch {batch}: the last row wins");
        assert_eq!(book["+911"].applied, 1, "batch {batch}: sent once");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tsv_file_is_read_with_tabs() {
    let dir = scratch("tsv");
    let file = dir.join("c.tsv");
    std::fs::write(&file, "phone\tFirst Name\tNotes\n+911\tAnn, the first\tx\n+912\tBo\ty\n").unwrap();
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    let out = run(importer(&whats91_args(&url, &file))).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    let rows = report_by_row(&dir.join("c.whats91-report.csv"), 2);
    assert!(rows.values().all(|r| r.status == "CREATED"), "{rows:?}");
    assert_eq!(mock.state.book()["+911"].first_name.as_deref(), Some("Ann, the first"));
}

#[test]
fn completions_are_printed_for_a_shell() {
    let out = importer(&["completions", "bash"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.contains("complete -F") && script.contains("--phone-number-id"), "{script}");
    let bad = importer(&["completions", "cmd"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "an unknown shell is a bad command line");
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_lets_the_request_in_flight_finish_and_writes_the_report() {
    let dir = scratch("ctrl-c");
    let file = dir.join("c.csv");
    support::contacts_csv(&file, 1000);
    // The third batch's answer is slow: Ctrl-C arrives while it is in flight.
    let mock = Mock::start(TOKEN, FaultPlan::script([None, None, Some(Fault::Slow)])).await;
    let url = mock.url();
    let state = mock.state.clone();
    let mut args = whats91_args(&url, &file);
    args.extend(["--batch-size", "100", "--concurrency", "1"]);
    let mut child = support::spawn(importer(&args));
    let third = || state.import_requests.load(Ordering::SeqCst) == 3;
    assert!(support::poll(&mut child, third).await, "the third batch is sent");
    let sigint = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(sigint.success());
    let out = support::wait(child).await;
    assert_eq!(out.code(), Some(130), "{out:?}");
    assert!(out.stderr.contains("interrupted: run the same command again"), "{out:?}");
    let report = dir.join("c.whats91-report.csv");
    let rows = support::report(&report);
    assert_eq!(rows.len(), 300, "the batch in flight finished and the report has its rows");
    assert!(rows.iter().all(|r| r.status == "CREATED" && r.row <= 300), "{rows:?}");
    assert_eq!(state.import_requests.load(Ordering::Relaxed), 3, "nothing new was sent after Ctrl-C");
    // The same command goes on.
    let out = run(importer(&args)).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    let rows = report_by_row(&report, 1000);
    assert!(rows.values().all(|r| r.status == "CREATED" && !r.resent), "{rows:?}");
    assert_eq!(mock.state.book().len(), 1000);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dash_reads_standard_input_once() {
    use std::io::Write;
    let dir = scratch("stdin");
    let mock = Mock::start(TOKEN, FaultPlan::none()).await;
    let url = mock.url();
    let mut cmd = importer(&["import", "whats91", "--book", BOOK, "--base-url", &url, "-"]);
    cmd.current_dir(&dir).stdin(std::process::Stdio::piped());
    let mut child = support::spawn(cmd);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"phone,First Name\n+911,Ann\n+912,Bo\n").unwrap();
    drop(stdin); // end of input
    let out = support::wait(child).await;
    assert_eq!(out.code(), Some(0), "{out:?}");
    let rows = report_by_row(&dir.join("stdin.whats91-report.csv"), 2);
    assert!(rows.values().all(|r| r.status == "CREATED"), "{rows:?}");
    assert_eq!(mock.state.book()["+912"].first_name.as_deref(), Some("Bo"));
}
