//! Filters typed into the table, answered by a real store through the app's reads:
//! negation, qualifiers and id prefixes mean in SQL what the filter field says, and a
//! filter's matches count and read alike, whole or by ranges.

mod tui_support;

use hookscope::model::ProviderId;
use hookscope::signature::{Hint, Status};
use hookscope::store::{Filter, SeqRange};
use hookscope::tui::Tui;
use hookscope::tui::view::Theme;
use tui_support::{Screen, delivery};

/// Three Classet deliveries (two failed), a failed TalentSprout one and an unsigned
/// Brilliant one, all answered 200.
fn mixed() -> Screen {
    let rows = [
        (
            ProviderId::CLASSET,
            "call_completed",
            "cand_123",
            Status::Failed,
        ),
        (
            ProviderId::CLASSET,
            "call_completed",
            "cand_456",
            Status::Verified,
        ),
        (
            ProviderId::TALENTSPROUT,
            "interview.completed",
            "ats-1",
            Status::Failed,
        ),
        (
            ProviderId::CLASSET,
            "call_completed",
            "cand_789",
            Status::Failed,
        ),
        (
            ProviderId::BRILLIANT,
            "interview.completed",
            "cand_1234",
            Status::Unsigned,
        ),
    ];
    let deliveries: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, (provider, event, subject, status))| {
            let mut d = delivery(i as i64 + 1, *provider, event, subject, *status);
            d.response_status = 200;
            if *status == Status::Failed {
                d.findings.verification.hint = Some(Hint::WrongSecret);
            }
            d
        })
        .collect();
    Screen::with(&deliveries)
}

fn count(app: &mut Tui, text: &str) -> u64 {
    app.set_filter(text);
    app.finish_filtering();
    app.list().total()
}

#[test]
fn negation_qualifiers_and_id_prefixes_filter_in_the_store() {
    let screen = mixed();
    let mut app = screen.app(Theme::monochrome());
    assert_eq!(count(&mut app, "-classet"), 2);
    assert_eq!(count(&mut app, "-failed"), 2);
    assert_eq!(count(&mut app, "classet -failed"), 1);
    assert_eq!(
        count(&mut app, "-wrong_secret"),
        2,
        "no hint is not this hint"
    );
    assert_eq!(
        count(&mut app, "-cand_123"),
        3,
        "cand_123 and cand_1234 left out"
    );
    assert_eq!(count(&mut app, "provider:talentsprout status:failed"), 1);
    assert_eq!(count(&mut app, "answer:2xx"), 5);
    assert_eq!(count(&mut app, "answer:4xx"), 0);
    assert_eq!(count(&mut app, "-answer:200"), 0);
    assert_eq!(
        count(&mut app, "since:15m"),
        0,
        "the fixtures are from 2025"
    );
    assert_eq!(count(&mut app, "since:5000w"), 5);
    assert_eq!(count(&mut app, "-event:call_completed"), 2);
    assert_eq!(count(&mut app, "id:0193a5b0-0000-7000-8000-00000000000"), 5);
    assert_eq!(count(&mut app, "0193a5b0-0000-7000-8000-000000000003"), 1);
    assert_eq!(count(&mut app, "call_completed wrong_secret"), 2);
    assert_eq!(count(&mut app, "CAND_456"), 1, "text is case-insensitive");
}

#[test]
fn matches_count_and_read_alike() {
    let deliveries: Vec<_> = (0..30)
        .map(|i| {
            let provider = [
                ProviderId::CLASSET,
                ProviderId::BRILLIANT,
                ProviderId::JOBMOJITO,
            ][i % 3];
            delivery(
                i as i64 + 1,
                provider,
                "e",
                &format!("s{i}"),
                Status::Verified,
            )
        })
        .collect();
    let screen = Screen::with(&deliveries);
    let reader = screen.store.reader().unwrap();
    for filter in [
        Filter::default(),
        Filter {
            providers: vec![ProviderId::CLASSET],
            ..Default::default()
        },
        Filter {
            text: vec!["s1".into()],
            ..Default::default()
        },
    ] {
        let upto = reader.tally(None).unwrap().last_seq.unwrap();
        let all = SeqRange {
            after: None,
            upto: Some(upto),
        };
        let seqs = reader.matching_seqs(&filter, all).unwrap();
        assert_eq!(
            reader.count_matching(&filter, all).unwrap(),
            seqs.len() as u64
        );
        let rows: Vec<i64> = reader
            .rows_at(&seqs)
            .unwrap()
            .iter()
            .map(|r| r.seq)
            .collect();
        assert_eq!(rows, seqs, "{filter:?}");
        let halves = [
            SeqRange {
                after: None,
                upto: Some(upto / 2),
            },
            SeqRange {
                after: Some(upto / 2),
                upto: Some(upto),
            },
        ];
        let joined: Vec<i64> = halves
            .iter()
            .flat_map(|r| reader.matching_seqs(&filter, *r).unwrap())
            .collect();
        assert_eq!(joined, seqs, "{filter:?} by halves");
    }
}
