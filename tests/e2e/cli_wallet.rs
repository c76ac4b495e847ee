//! `sesh wallet ...` through the real binary: headless creation, restore
//! errors, wrong passwords, the Web3 keystore export, the JSON envelope.

use sesh_e2e::cli::SeshHome;

const JUNK: &str = "test test test test test test test test test test test junk";
const JUNK_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

fn wallet_file(home: &SeshHome, name: &str) -> std::path::PathBuf {
    home.path().join("wallets").join(format!("{name}.json"))
}

#[test]
fn creates_lists_and_shows_a_wallet_headless_with_the_json_envelope() {
    let home = SeshHome::offline();
    let run = home
        .run(
            &["wallet", "new", "--name", "alice", "--yes", "--json"],
            Some("pw"),
        )
        .ok();
    let envelope = run.envelope();
    assert_eq!(envelope["schema_version"], 3);
    assert_eq!(envelope["success"], true);
    assert_eq!(envelope["errors"], serde_json::json!([]));
    assert!(
        envelope["data"]["mnemonic"].is_null(),
        "words only with --show-mnemonic"
    );
    assert!(
        envelope["warnings"][0]
            .as_str()
            .unwrap()
            .contains("--show-mnemonic"),
        "{envelope}"
    );
    let address = envelope["data"]["evm_address"]
        .as_str()
        .unwrap()
        .to_string();
    let session_id = envelope["data"]["session_id"].as_str().unwrap().to_string();
    assert!(session_id.starts_with("05") && session_id.len() == 66);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(wallet_file(&home, "alice"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let list = home.run(&["wallet", "list"], None).ok();
    assert!(
        list.stdout.contains("alice") && list.stdout.contains(&address),
        "{}",
        list.stdout
    );
    let show = home
        .run(&["wallet", "show", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(show["data"]["evm_address"], address.as_str());
    assert_eq!(show["data"]["session_id"], session_id.as_str());
    // Times are Unix seconds in JSON, dates in text.
    let created = show["data"]["created"]
        .as_u64()
        .expect("created in Unix seconds");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(created <= now && now - created < 600, "{show}");
    let text = home.run(&["wallet", "show"], None).ok().stdout;
    assert!(
        text.lines()
            .any(|line| line.trim_start().starts_with("created") && line.ends_with(" UTC")),
        "{text}"
    );

    // --show-mnemonic puts the words in the envelope; the file never holds them.
    let run = home
        .run(
            &[
                "wallet",
                "new",
                "--name",
                "bob",
                "--yes",
                "--json",
                "--show-mnemonic",
            ],
            Some("pw"),
        )
        .ok();
    let words = run.envelope()["data"]["mnemonic"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(words.split(' ').count(), 12);
    let text = std::fs::read_to_string(wallet_file(&home, "bob")).unwrap();
    assert!(!text.contains(&words));
    // Two wallets: commands that need one ask which.
    let show = home.run(&["wallet", "show"], None).failed();
    assert!(show.stderr.contains("--wallet NAME"), "{}", show.stderr);
}

#[test]
fn headless_creation_needs_yes_and_a_password() {
    let home = SeshHome::offline();
    let run = home.run(&["wallet", "new"], Some("pw")).failed();
    assert!(run.stderr.contains("pass --yes"), "{}", run.stderr);
    let run = home.run(&["wallet", "new", "--yes"], None).failed();
    assert!(run.stderr.contains("SESH_PASSWORD"), "{}", run.stderr);
    assert!(
        !home.path().join("wallets").exists()
            || std::fs::read_dir(home.path().join("wallets"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn restore_names_a_bad_word_and_a_bad_checksum() {
    let home = SeshHome::offline();
    let words = home.path().join("words.txt");

    std::fs::write(&words, JUNK.replace("junk", "junc")).unwrap();
    let run = home
        .run(
            &[
                "wallet",
                "restore",
                "--mnemonic-file",
                words.to_str().unwrap(),
            ],
            Some("pw"),
        )
        .failed();
    assert!(
        run.stderr
            .contains("word 12 (\"junc\") is not in the BIP-39"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("junk"),
        "suggests the right word: {}",
        run.stderr
    );

    std::fs::write(&words, JUNK.replace("junk", "test")).unwrap();
    let run = home
        .run(
            &[
                "wallet",
                "restore",
                "--mnemonic-file",
                words.to_str().unwrap(),
            ],
            Some("pw"),
        )
        .failed();
    assert!(
        run.stderr.contains("checksum does not match"),
        "{}",
        run.stderr
    );
    assert!(
        !wallet_file(&home, "default").exists(),
        "nothing was written"
    );

    std::fs::write(&words, format!("  {}\n", JUNK.to_uppercase())).unwrap();
    let run = home
        .run(
            &[
                "wallet",
                "restore",
                "--mnemonic-file",
                words.to_str().unwrap(),
                "--json",
            ],
            Some("pw"),
        )
        .ok();
    assert_eq!(run.envelope()["data"]["evm_address"], JUNK_ADDRESS);
}

#[test]
fn a_wrong_password_is_named_and_changes_nothing() {
    let home = SeshHome::offline();
    home.new_wallet("alice", "right");
    let path = wallet_file(&home, "alice");
    let before = std::fs::read(&path).unwrap();

    let run = home
        .run(&["wallet", "export", "--yes"], Some("wrong"))
        .failed();
    assert!(
        run.stderr.contains("wrong password for wallet \"alice\""),
        "{}",
        run.stderr
    );
    let mut command = home.command();
    command
        .args(["wallet", "change-password"])
        .env("SESH_PASSWORD", "wrong")
        .env("SESH_NEW_PASSWORD", "new");
    let output = command.output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("wrong password"));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is untouched"
    );

    // The JSON form of the same failure.
    let run = home
        .run(&["wallet", "export", "--yes", "--json"], Some("wrong"))
        .failed();
    let envelope = run.envelope();
    assert_eq!(envelope["success"], false);
    assert!(envelope["data"].is_null());
    assert!(
        envelope["errors"][0]
            .as_str()
            .unwrap()
            .contains("wrong password")
    );

    // Now change it for real: the old one stops working.
    let mut command = home.command();
    command
        .args(["wallet", "change-password"])
        .env("SESH_PASSWORD", "right")
        .env("SESH_NEW_PASSWORD", "new");
    assert!(command.output().unwrap().status.success());
    home.run(&["wallet", "export", "--yes"], Some("right"))
        .failed();
    let run = home.run(&["wallet", "export", "--yes"], Some("new")).ok();
    assert_eq!(run.stdout.split_whitespace().count(), 12);
}

#[test]
fn the_exported_keystore_opens_in_cast() {
    let home = SeshHome::offline();
    let words = home.path().join("words.txt");
    std::fs::write(&words, JUNK).unwrap();
    home.run(
        &[
            "wallet",
            "restore",
            "--name",
            "dev",
            "--mnemonic-file",
            words.to_str().unwrap(),
        ],
        Some("pw"),
    )
    .ok();
    let keystore = home.path().join("dev.keystore.json");
    home.run(
        &["wallet", "export", "--keystore", keystore.to_str().unwrap()],
        Some("pw"),
    )
    .ok();
    let output = std::process::Command::new(sesh_e2e::foundry_bin("cast"))
        .args(["wallet", "address", "--keystore"])
        .arg(&keystore)
        .args(["--password", "pw"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), JUNK_ADDRESS);
    // Never over an existing file.
    home.run(
        &["wallet", "export", "--keystore", keystore.to_str().unwrap()],
        Some("pw"),
    )
    .failed();
}

#[test]
fn remove_asks_and_the_faucet_refuses_real_sesh() {
    let home = SeshHome::offline();
    home.new_wallet("old", "pw");
    let run = home.run(&["wallet", "remove"], None).failed();
    assert!(run.stderr.contains("pass --yes"), "{}", run.stderr);
    assert!(wallet_file(&home, "old").exists());
    home.run(&["wallet", "remove", "--yes"], None).ok();
    assert!(!wallet_file(&home, "old").exists());

    home.new_wallet("main", "pw");
    let run = home
        .run(&["--network", "arbitrum-one", "faucet"], Some("pw"))
        .failed();
    assert!(
        run.stderr.contains("real SESH and has no faucet"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_wallet_named_default_stays_the_default_when_others_exist() {
    let home = SeshHome::offline();
    let default = home.new_wallet("default", "pw");
    home.new_wallet("work", "pw");
    let show = home
        .run(&["wallet", "show", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(show["data"]["evm_address"], default.as_str(), "{show}");
    assert_eq!(show["data"]["name"], "default", "{show}");
    // Without a "default", two wallets still ask which.
    let other = SeshHome::offline();
    other.new_wallet("a", "pw");
    other.new_wallet("b", "pw");
    let run = other.run(&["wallet", "show"], None).failed();
    assert!(run.stderr.contains("--wallet NAME"), "{}", run.stderr);
}

#[test]
fn change_password_without_a_new_one_points_at_new_password_file() {
    let home = SeshHome::offline();
    home.new_wallet("alice", "old");
    let run = home
        .run(&["wallet", "change-password"], Some("old"))
        .failed();
    assert!(
        run.stderr.contains("--new-password-file FILE") && run.stderr.contains("SESH_NEW_PASSWORD"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(" --password-file"), "{}", run.stderr);
}

#[test]
fn json_carries_command_line_errors_in_the_envelope() {
    let home = SeshHome::offline();
    for args in [
        &["balance", "--bogus", "--json"][..],
        &["--json", "frobnicate"],
        &[
            "--json",
            "send",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "lots",
        ],
        &["--json", "market", "listings", "--page", "0"],
        &["--json", "wallet"],
    ] {
        let run = home.run(args, None).failed();
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        let envelope = run.envelope();
        assert_eq!(envelope["schema_version"], 3, "{envelope}");
        assert_eq!(envelope["success"], false, "{envelope}");
        assert_eq!(envelope["data"], serde_json::Value::Null, "{envelope}");
        let errors = envelope["errors"].as_array().unwrap();
        assert!(!errors.is_empty(), "{envelope}");
        assert!(
            errors.last().unwrap().as_str().unwrap().contains("--help"),
            "{envelope}"
        );
    }
    let run = home.run(&["--json", "market", "listings", "--page", "0"], None);
    let errors = run.envelope()["errors"].to_string();
    assert!(errors.contains("at least 1"), "{errors}");
    assert!(!errors.contains("18446744073709551615"), "{errors}");
    // Without --json, clap's own text on stderr, nothing on stdout.
    let run = home.run(&["balance", "--bogus"], None).failed();
    assert!(
        run.stdout.is_empty() && run.stderr.contains("--bogus"),
        "{run:?}"
    );
    // --help and --version are not errors, --json or not.
    let help = home.run(&["--json", "--help"], None).ok();
    assert!(help.stdout.contains("Usage: sesh"), "{}", help.stdout);
    let version = home.run(&["--version", "--json"], None).ok();
    assert!(version.stdout.starts_with("sesh "), "{}", version.stdout);
}

/// libsession-util's tests/test_session_encrypt.cpp: the account of seed
/// 0123456789abcdef0123456789abcdef and its Session ID; the words are that
/// seed's recovery password (docs/keys.md).
const SESSION_WORDS: &str =
    "vexed enjoy pigment films adept voted vexed enjoy pigment films adept voted adept";
const SESSION_ID: &str = "05d2ad010eeb72d72e561d9de7bd7b6989af77dcabffa03a5111a6c859ae5c3a72";

fn no_wallets(home: &SeshHome) -> bool {
    std::fs::read_dir(home.path().join("wallets"))
        .map(|mut entries| entries.next().is_none())
        .unwrap_or(true)
}

#[test]
fn a_session_recovery_password_restores_its_session_id_and_exports_back() {
    let home = SeshHome::offline();
    let words = home.path().join("session-words.txt");
    // As a person might keep them: capitals, line breaks, words cut after 3 letters.
    std::fs::write(
        &words,
        "Vexed enjoy PIGMENT films\nadept voted vex enj pig\nfilms adept voted adept\n",
    )
    .unwrap();
    let restore = |extra: &[&str]| {
        let mut args = vec![
            "wallet",
            "restore",
            "--name",
            "sess",
            "--session-recovery-file",
            words.to_str().unwrap(),
            "--json",
        ];
        args.extend_from_slice(extra);
        home.run(&args, Some("pw"))
    };
    // Alone, the words need a new phrase for the EVM account: headless that takes --yes.
    let run = restore(&[]).failed();
    assert!(
        run.envelope()["errors"][0]
            .as_str()
            .unwrap()
            .contains("--yes"),
        "{}",
        run.stdout
    );
    assert!(no_wallets(&home), "nothing was written");

    let envelope = restore(&["--yes", "--show-mnemonic"]).ok().envelope();
    let data = &envelope["data"];
    assert_eq!(data["session_id"], SESSION_ID, "{envelope}");
    assert_eq!(data["session_key"], "imported");
    assert_eq!(data["session_recovery_password"], true);
    assert_eq!(data["new_mnemonic"], true);
    let phrase = data["mnemonic"].as_str().unwrap().to_string();
    assert_eq!(phrase.split(' ').count(), 12);
    let file = std::fs::read_to_string(wallet_file(&home, "sess")).unwrap();
    assert!(
        !file.contains("vexed") && !file.contains("0123456789abcdef") && !file.contains(&phrase),
        "no secret in clear: {file}"
    );
    assert!(file.contains("\"version\": 2"), "{file}");

    // The same 13 words back, and the new phrase for the EVM account.
    let run = home
        .run(&["wallet", "export", "--session-recovery"], Some("pw"))
        .failed();
    assert!(
        run.stderr.contains("pass --yes"),
        "asks first: {}",
        run.stderr
    );
    let run = home
        .run(
            &["wallet", "export", "--session-recovery", "--yes"],
            Some("pw"),
        )
        .ok();
    assert_eq!(run.stdout.trim(), SESSION_WORDS);
    let envelope = home
        .run(
            &["wallet", "export", "--session-recovery", "--yes", "--json"],
            Some("pw"),
        )
        .ok()
        .envelope();
    assert_eq!(envelope["data"]["session_recovery_password"], SESSION_WORDS);
    assert_eq!(envelope["data"]["session_id"], SESSION_ID);
    let run = home.run(&["wallet", "export", "--yes"], Some("pw")).ok();
    assert_eq!(run.stdout.trim(), phrase);
    let show = home.run(&["wallet", "show"], None).ok();
    assert!(
        show.stdout.contains(SESSION_ID)
            && show
                .stdout
                .contains("imported from a Session recovery password"),
        "{}",
        show.stdout
    );
}

#[test]
fn a_recovery_phrase_and_a_session_recovery_password_pair_in_one_wallet() {
    let home = SeshHome::offline();
    let phrase = home.path().join("words.txt");
    let session = home.path().join("session-words.txt");
    std::fs::write(&phrase, JUNK).unwrap();
    std::fs::write(&session, SESSION_WORDS).unwrap();
    let envelope = home
        .run(
            &[
                "wallet",
                "restore",
                "--name",
                "both",
                "--mnemonic-file",
                phrase.to_str().unwrap(),
                "--session-recovery-file",
                session.to_str().unwrap(),
                "--json",
            ],
            Some("pw"),
        )
        .ok()
        .envelope();
    assert_eq!(envelope["data"]["evm_address"], JUNK_ADDRESS);
    assert_eq!(envelope["data"]["session_id"], SESSION_ID);
    assert_eq!(envelope["data"]["new_mnemonic"], false);
    assert!(envelope["data"]["mnemonic"].is_null());
    let run = home
        .run(
            &["wallet", "export", "--session-recovery", "--yes"],
            Some("pw"),
        )
        .ok();
    assert_eq!(run.stdout.trim(), SESSION_WORDS);
    let run = home.run(&["wallet", "export", "--yes"], Some("pw")).ok();
    assert_eq!(run.stdout.trim(), JUNK);

    // A new wallet can bring the Session account too.
    let envelope = home
        .run(
            &[
                "wallet",
                "new",
                "--name",
                "fresh",
                "--session-recovery-file",
                session.to_str().unwrap(),
                "--yes",
                "--json",
            ],
            Some("pw"),
        )
        .ok()
        .envelope();
    assert_eq!(envelope["data"]["session_id"], SESSION_ID);
    assert_eq!(envelope["data"]["session_key"], "imported");
    assert_ne!(envelope["data"]["evm_address"], JUNK_ADDRESS);
}

#[test]
fn a_new_wallets_session_account_moves_by_its_recovery_password() {
    let home = SeshHome::offline();
    let envelope = home
        .run(
            &["wallet", "new", "--name", "a", "--yes", "--json"],
            Some("pw"),
        )
        .ok()
        .envelope();
    assert_eq!(envelope["data"]["session_key"], "derived");
    let session_id = envelope["data"]["session_id"].as_str().unwrap().to_string();
    let words = home
        .run(
            &["wallet", "export", "--session-recovery", "--yes"],
            Some("pw"),
        )
        .ok()
        .stdout;
    assert_eq!(words.split_whitespace().count(), 13, "{words}");
    // Restored elsewhere from those 13 words alone: the same Session ID.
    let other = SeshHome::offline();
    let file = other.path().join("session-words.txt");
    std::fs::write(&file, &words).unwrap();
    let envelope = other
        .run(
            &[
                "wallet",
                "restore",
                "--session-recovery-file",
                file.to_str().unwrap(),
                "--yes",
                "--json",
            ],
            Some("pw"),
        )
        .ok()
        .envelope();
    assert_eq!(envelope["data"]["session_id"], session_id.as_str());

    // The recovery phrase alone restores that Session account too, and names the
    // legacy Session ID an older sesh gave the same phrase.
    let phrase = home.path().join("words.txt");
    std::fs::write(&phrase, JUNK).unwrap();
    let restored = home
        .run(
            &[
                "wallet",
                "restore",
                "--name",
                "dev",
                "--mnemonic-file",
                phrase.to_str().unwrap(),
                "--json",
            ],
            Some("pw"),
        )
        .ok()
        .envelope();
    assert_eq!(
        restored["data"]["session_id"],
        "0509ebe260378c9087c5edb6dd81067f595116127e26f1368a270737b9f9da2e4d"
    );
    assert_eq!(
        restored["data"]["legacy_session_id"],
        "059342856c706fee38f771d61d763e14c1b86e16698747bc0b0f192a72e9dda108"
    );
    let run = home
        .run(
            &[
                "--wallet",
                "dev",
                "wallet",
                "export",
                "--session-recovery",
                "--yes",
            ],
            Some("pw"),
        )
        .ok();
    assert_eq!(
        run.stdout.trim(),
        "iris fazed podcast pests enlist jury erase hectare were under evaluate plus fazed"
    );
}

#[test]
fn a_wrong_word_or_checksum_word_is_refused_and_writes_nothing() {
    let home = SeshHome::offline();
    let words = home.path().join("session-words.txt");
    let restore = |name: &str| {
        home.run(
            &[
                "wallet",
                "restore",
                "--name",
                name,
                "--session-recovery-file",
                words.to_str().unwrap(),
                "--yes",
            ],
            Some("pw"),
        )
        .failed()
    };

    // A typo in the first 3 letters: the word is named, the right one suggested.
    std::fs::write(&words, SESSION_WORDS.replacen("pigment", "pgiment", 1)).unwrap();
    let run = restore("typo");
    assert!(
        run.stderr
            .contains("word 3 (\"pgiment\") is not in Session's English word list"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean") && run.stderr.contains("pigment"),
        "{}",
        run.stderr
    );

    // All words valid, but the 13th is not the checksum of the 12.
    let wrong = format!("{} vexed", SESSION_WORDS.rsplit_once(' ').unwrap().0);
    std::fs::write(&words, wrong).unwrap();
    let run = restore("checksum");
    assert!(
        run.stderr
            .contains("the checksum word (the 13th) does not match"),
        "{}",
        run.stderr
    );

    // 12 words: the missing checksum word is said.
    std::fs::write(&words, SESSION_WORDS.rsplit_once(' ').unwrap().0).unwrap();
    let run = restore("short");
    assert!(
        run.stderr.contains("checksum word is missing"),
        "{}",
        run.stderr
    );

    // A BIP-39 phrase in the wrong flag, and the other way round.
    std::fs::write(&words, JUNK).unwrap();
    let run = restore("swapped");
    assert!(run.stderr.contains("--mnemonic-file"), "{}", run.stderr);
    std::fs::write(&words, SESSION_WORDS).unwrap();
    let run = home
        .run(
            &[
                "wallet",
                "restore",
                "--name",
                "other",
                "--mnemonic-file",
                words.to_str().unwrap(),
            ],
            Some("pw"),
        )
        .failed();
    assert!(
        run.stderr.contains("--session-recovery-file"),
        "{}",
        run.stderr
    );

    for name in ["typo", "checksum", "short", "swapped", "other"] {
        assert!(!wallet_file(&home, name).exists(), "{name} was not written");
    }
}

#[test]
fn a_version_1_wallet_keeps_its_session_id_and_has_no_recovery_password() {
    let home = SeshHome::offline();
    std::fs::create_dir_all(home.path().join("wallets")).unwrap();
    // Written by sesh before wallet file version 2, for the phrase JUNK, password "pw".
    std::fs::write(
        wallet_file(&home, "old"),
        include_str!("../../core/tests/fixtures/wallet-v1.json"),
    )
    .unwrap();
    let legacy = "059342856c706fee38f771d61d763e14c1b86e16698747bc0b0f192a72e9dda108";
    let show = home
        .run(&["wallet", "show", "--json"], None)
        .ok()
        .envelope();
    assert_eq!(show["data"]["session_id"], legacy);
    assert_eq!(show["data"]["session_key"], "legacy");
    assert_eq!(show["data"]["session_recovery_password"], false);
    let run = home
        .run(
            &["wallet", "export", "--session-recovery", "--yes"],
            Some("pw"),
        )
        .failed();
    assert!(
        run.stderr.contains("has no Session recovery password")
            && run.stderr.contains("sesh wallet new"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let run = home.run(&["wallet", "export", "--yes"], Some("pw")).ok();
    assert_eq!(run.stdout.trim(), JUNK);

    // The same phrase restored with --legacy-session gets that Session ID back.
    let phrase = home.path().join("words.txt");
    std::fs::write(&phrase, JUNK).unwrap();
    let envelope = home
        .run(
            &[
                "wallet",
                "restore",
                "--name",
                "again",
                "--mnemonic-file",
                phrase.to_str().unwrap(),
                "--legacy-session",
                "--json",
            ],
            Some("pw"),
        )
        .ok()
        .envelope();
    assert_eq!(envelope["data"]["session_id"], legacy);
    assert_eq!(envelope["data"]["session_key"], "legacy");
}
