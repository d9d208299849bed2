//! Every request and response survives encoding and decoding unchanged. The exhaustive
//! matches below fail to compile when a variant is added without a sample here.

use protocol::admin::{
    ExtractLevel, ExtractRequest, InitRequest, SeedPart, SeedRequest, StingerSource,
};
use protocol::codec::{self, CodecError, Hello};
use protocol::model::{
    ClassifiedBee, CronField, HiveEntry, Overview, RuntimeBee, RuntimeCron, Section,
};
use protocol::runtime::{
    ControlAction, LogChunk, ReportPage, ReportQuery, ReportRow, RunSummary, Target,
};
use protocol::{Bee, Command, Cron, DefKind, ErrorCode, ErrorReply, JsonText, Request, Response};
use uuid::Uuid;

fn app_id() -> Uuid {
    Uuid::parse_str("6b018c2b-77b7-40ca-bb82-cc8378252f67").expect("a valid UUID literal")
}

fn requests() -> Vec<Request> {
    let all = vec![
        Request::ShowCommands { slug: None },
        Request::ShowCommands {
            slug: Some("test_bee".into()),
        },
        Request::ShowCrons {
            slug: Some("minutes_1".into()),
        },
        Request::ShowBees { slug: None },
        Request::ShowOverview,
        Request::Add {
            kind: DefKind::Bee,
            json: r#"{"slug":"b","args":{"x":[1,null]}}"#.into(),
        },
        Request::Edit {
            kind: DefKind::Cron,
            key: "c".into(),
            json: r#"{"overrun":-1}"#.into(),
        },
        Request::Remove {
            kind: DefKind::Ondemand,
            key: "b".into(),
        },
        Request::Run {
            target: Target::Bee,
            slug: Some("b".into()),
            wait: true,
        },
        Request::Kill {
            target: Target::Hive,
            slug: None,
        },
        Request::Report(ReportQuery {
            by_cron: true,
            slug: Some("minutes_1".into()),
            start: Some("2026-12-01".into()),
            end: None,
            status: Some("ERROR".into()),
            page: 2,
            limit: 20,
            sort: "hive_duration".into(),
            descending: true,
        }),
        Request::Status,
        Request::Control(ControlAction::Resume),
        Request::Logs {
            bee: "b".into(),
            run: Some(7),
            follow: true,
        },
        Request::Sting(source()),
        Request::Unsting { drop_schema: true },
        Request::Resting {
            source: source(),
            drop_schema: false,
        },
        Request::Extract(ExtractRequest {
            level: ExtractLevel::Colony,
            resources: vec!["seeds".into(), "lib/mail".into()],
            root: None,
            slug: "main".into(),
            node: "drone1".into(),
            env: "production".into(),
        }),
        Request::Refactor {
            root: Some("/srv/stingers".into()),
        },
        Request::Seed(SeedRequest {
            only: Some(SeedPart::Local),
            drop: false,
            force: true,
        }),
        Request::SeedCheck {
            name: "001_seed.json".into(),
            json: r#"{"wurker_bee":[{"slug":"b","delete":true}]}"#.into(),
        },
        Request::Init(InitRequest {
            source: source(),
            only: Some(SeedPart::Wurker),
            drop: false,
            recreate: true,
            no_status: false,
            username: Some("ops".into()),
            password: Some("s3cret".into()),
        }),
        Request::ReloadConfig,
    ];
    for request in &all {
        match request {
            Request::ShowCommands { .. }
            | Request::ShowCrons { .. }
            | Request::ShowBees { .. }
            | Request::ShowOverview
            | Request::Add { .. }
            | Request::Edit { .. }
            | Request::Remove { .. }
            | Request::Run { .. }
            | Request::Kill { .. }
            | Request::Report(_)
            | Request::Status
            | Request::Control(_)
            | Request::Logs { .. }
            | Request::Sting(_)
            | Request::Unsting { .. }
            | Request::Resting { .. }
            | Request::Extract(_)
            | Request::Refactor { .. }
            | Request::Seed(_)
            | Request::SeedCheck { .. }
            | Request::Init(_)
            | Request::ReloadConfig => {}
        }
    }
    all
}

fn source() -> StingerSource {
    StingerSource {
        root: Some("/srv/stingers".into()),
        slug: "main".into(),
        node: Some("queen".into()),
        env: None,
    }
}

fn sample_bee() -> Bee {
    Bee {
        id: 4,
        app_id: app_id(),
        slug: "test_scheduled_pybee".into(),
        name: "Test Scheduled PyBee".into(),
        description: None,
        command_id: 2,
        command_slug: Some("test_pybee".into()),
        cron_id: Some(2),
        cron_slug: Some("minutes_1".into()),
        args: Some(JsonText(r#"{"duration":40}"#.into())),
        quiet_restart: false,
        enabled: true,
        module: Some("test_pybee".into()),
        command: None,
        cron: Some(CronField::Expression("*/1 * * * *".into())),
    }
}

fn sample_runtime_bee() -> RuntimeBee {
    RuntimeBee {
        id: 1,
        app_id: app_id(),
        slug: "sup".into(),
        name: "Sup".into(),
        description: Some("d".into()),
        command_id: 1,
        command_slug: Some("test_bee".into()),
        command: Some(vec!["/bin/sleep".into()]),
        module_name: String::new(),
        cron_id: None,
        cron: RuntimeCron::Supervised,
        args: None,
        enabled: true,
        quiet_restart: true,
        timeout: Some(50),
        next_run: Some("2026-12-03T20:00:00+00:00".into()),
    }
}

fn responses() -> Vec<Response> {
    let all = vec![
        Response::Done,
        Response::Error(ErrorReply::new(
            ErrorCode::InUse,
            "Command 'x' is used by Bees: a, b",
        )),
        Response::Commands(vec![Command {
            id: 1,
            app_id: app_id(),
            slug: "test_bee".into(),
            name: "Test Bee".into(),
            description: Some("A shell script".into()),
            command: Some("/bin/true".into()),
            is_module: false,
        }]),
        Response::Crons(vec![Cron {
            id: 1,
            app_id: app_id(),
            slug: "supervised".into(),
            name: "Supervised".into(),
            cron: None,
            overrun: 3,
        }]),
        Response::Bees(vec![
            sample_bee(),
            Bee {
                cron: Some(CronField::Supervised),
                ..sample_bee()
            },
        ]),
        Response::Overview(Overview {
            bees: vec![ClassifiedBee {
                section: Section::Supervised,
                group: "supervised".into(),
                bee: sample_runtime_bee(),
            }],
            hive: vec![HiveEntry {
                group: "supervised".into(),
                bee_slug: "sup".into(),
                pid: 42,
                runcount: 1,
                timestamp: "2026-12-03T18:52:17.286138+00:00".into(),
                duration_us: 28_572_611,
            }],
        }),
        Response::Runs(vec![RunSummary {
            bee_slug: "b".into(),
            run_id: 3,
            pid: Some(99),
            status: "ERROR".into(),
            exit_code: Some(-15),
            duration: Some(1.25),
        }]),
        Response::Report(ReportPage {
            total: 1,
            page: 0,
            limit: 20,
            rows: vec![ReportRow {
                id: 2,
                bee_id: 10,
                bee_slug: Some("fail1".into()),
                bee_name: Some("fail1".into()),
                cron_id: None,
                cron_slug: None,
                cron_name: None,
                hive_pid: Some(20260),
                hive_timestamp: Some("2026-12-03T18:43:26.583045+00:00".into()),
                hive_runcount: Some(1),
                hive_duration: Some(1.064811),
                status: "ERROR".into(),
                status_info: Some(JsonText(r#"{"runcount":1,"errors":["oops"]}"#.into())),
                created_at: Some("2026-12-03T18:43:25+00:00".into()),
                updated_at: None,
            }],
        }),
        Response::Status(JsonText(r#"{"status":true}"#.into())),
        Response::Log(LogChunk {
            run_id: 3,
            bytes: b"hello\n".to_vec(),
        }),
        Response::Lines(vec![
            "injected: etc/seeds/001_seed.json".into(),
            String::new(),
        ]),
    ];
    for response in &all {
        match response {
            Response::Done
            | Response::Error(_)
            | Response::Commands(_)
            | Response::Crons(_)
            | Response::Bees(_)
            | Response::Overview(_)
            | Response::Runs(_)
            | Response::Report(_)
            | Response::Status(_)
            | Response::Log(_)
            | Response::Lines(_) => {}
        }
    }
    all
}

#[test]
fn every_request_round_trips() {
    for request in requests() {
        let bytes = codec::encode(&request).unwrap();
        let back: Request = codec::decode(&bytes).unwrap();
        assert_eq!(back, request);
    }
}

#[test]
fn every_response_round_trips() {
    for response in responses() {
        let bytes = codec::encode(&response).unwrap();
        let back: Response = codec::decode(&bytes).unwrap();
        assert_eq!(back, response);
    }
}

#[test]
fn hello_checks_magic_and_version() {
    let ours = Hello::ours("wurk");
    let back: Hello = codec::decode(&codec::encode(&ours).unwrap()).unwrap();
    assert!(back.check().is_ok());

    let other = Hello {
        protocol: 999,
        ..Hello::ours("wurkerd")
    };
    let err = other.check().unwrap_err();
    assert!(matches!(
        err,
        CodecError::VersionMismatch { theirs: 999, .. }
    ));
    assert!(err.to_string().contains("version 999"), "{err}");

    let stranger = Hello {
        magic: "redis".into(),
        ..Hello::ours("x")
    };
    assert!(matches!(stranger.check(), Err(CodecError::NotWurker)));
}

#[test]
fn trailing_bytes_and_garbage_are_rejected() {
    let mut bytes = codec::encode(&Request::ShowOverview).unwrap().to_vec();
    bytes.push(0);
    let err = codec::decode::<Request>(&bytes).unwrap_err();
    assert!(matches!(err, CodecError::TrailingBytes { extra: 1 }));

    let err = codec::decode::<Request>(&[0xff, 0xff, 0xff]).unwrap_err();
    assert!(matches!(err, CodecError::Decode(_)));
}
