//! `w` in the signature debugger: a question naming the file and the key, the secret
//! masked, and on yes a command that writes the file in place.

use super::*;
use crate::config_file::Target;
use crate::tui::confirm::WriteSetting;

const CONFIG: &str = "# hookscope settings\n\
                      [providers.classet]\n\
                      # from the dashboard\n\
                      secret = \"old-secret-value\" # rotated monthly\n";

/// The app open on the first Classet delivery's Verification tab, with `config` read
/// from `path`.
fn debugger(f: &Fixture, path: &std::path::Path) -> TestApp {
    std::fs::write(path, CONFIG).unwrap();
    let config = Config::from_parts(CONFIG, Some(path.to_path_buf()), &[]).unwrap();
    let mut app = f.app_with(config, None);
    apply(&mut app, [ch('g'), key(KeyCode::Enter), ch('4')]);
    assert_eq!(app.detail().map(|d| d.tab()), Some(Tab::Verification));
    app
}

fn type_secret(app: &mut TestApp, text: &str) {
    apply(app, [ch('s')]);
    apply(app, text.chars().map(ch));
    apply(app, [key(KeyCode::Enter)]);
}

#[test]
fn w_asks_naming_file_and_key_then_writes_in_place_keeping_comments() {
    let f = mixed();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hookscope.toml");
    let mut app = debugger(&f, &path);
    type_secret(&mut app, "-new");
    assert!(
        apply(&mut app, [ch('w')]).is_empty(),
        "nothing is written yet"
    );
    let confirm = app.confirm().expect("a question");
    let shown = format!("{} {}", confirm.title, confirm.lines.join(" "));
    assert!(shown.contains("providers.classet.secret"), "{shown}");
    assert!(shown.contains(&path.display().to_string()), "{shown}");
    assert!(!shown.contains("old-secret-value-new"), "{shown}");
    assert!(!shown.contains("secret-value"), "{shown}");

    let commands = apply(&mut app, [ch('y')]);
    assert!(app.confirm().is_none());
    let [Command::WriteSetting(write)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        CONFIG,
        "the app itself writes nothing"
    );
    let said = write.execute(|_| false);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# hookscope settings\n\
         [providers.classet]\n\
         # from the dashboard\n\
         secret = \"old-secret-value-new\" # rotated monthly\n"
    );
    apply(&mut app, [AppEvent::SettingWritten(said)]);
    let m = app.message().expect("told");
    assert!(!m.error, "{m:?}");
    assert!(m.text.contains("providers.classet.secret"), "{m:?}");
    assert!(!m.text.contains("old-secret-value-new"), "{m:?}");
}

#[test]
fn no_cancels_and_writes_nothing() {
    let f = mixed();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hookscope.toml");
    let mut app = debugger(&f, &path);
    type_secret(&mut app, "2");
    apply(&mut app, [ch('w')]);
    assert!(app.confirm().is_some());
    assert!(apply(&mut app, [key(KeyCode::Esc)]).is_empty());
    assert!(app.confirm().is_none());
    assert!(app.detail().is_some(), "Esc answers the question only");
    apply(&mut app, [ch('w')]);
    assert!(apply(&mut app, [ch('n')]).is_empty());
    assert!(app.confirm().is_none());
}

#[test]
fn an_unchanged_secret_is_not_offered_for_writing() {
    let f = mixed();
    let dir = tempfile::tempdir().unwrap();
    let mut app = debugger(&f, &dir.path().join("hookscope.toml"));
    apply(&mut app, [ch('w')]);
    assert!(app.confirm().is_none());
    let m = app.message().expect("told why");
    assert!(m.text.contains("as configured"), "{m:?}");
}

#[test]
fn without_a_config_file_the_question_says_which_file_it_creates() {
    let f = mixed();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hookscope.toml");
    let mut app = f.app().with_settings_file(Target {
        path: path.clone(),
        exists: false,
    });
    apply(&mut app, [ch('g'), key(KeyCode::Enter), ch('4')]);
    type_secret(&mut app, "fresh-secret");
    apply(&mut app, [ch('w')]);
    let confirm = app.confirm().expect("a question");
    let shown = confirm.lines.join(" ");
    assert!(shown.contains("No config file was read"), "{shown}");
    assert!(
        shown.contains(&format!("creates {}", path.display())),
        "{shown}"
    );
    let commands = apply(&mut app, [key(KeyCode::Enter)]);
    let [Command::WriteSetting(w)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(
        w,
        &WriteSetting {
            path: path.clone(),
            setting: "providers.classet.secret",
            value: crate::config::Secret::new("fresh-secret"),
        }
    );
    w.execute(|_| false).expect("created");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "[providers.classet]\nsecret = \"fresh-secret\"\n"
    );
}
