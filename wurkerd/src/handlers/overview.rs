//! `wurk show` (all and the typed views): every Bee classified as the original classified
//! them, with its runtime form (argv or module, derived timeout, next fire time).

use chrono::{SecondsFormat, Utc};
use chrono_tz::Tz;
use protocol::Response;
use protocol::model::{Bee, ClassifiedBee, CronField, Overview, RuntimeBee, RuntimeCron, Section};

use crate::handlers::{Context, Outcome};
use crate::schedule::Schedule;
use crate::store::{bees, queue};

pub async fn show(ctx: &Context) -> Outcome<Response> {
    let mut conn = ctx.store.read.acquire().await?;
    let all = bees::list(&mut conn, ctx.store.app_id, None).await?;
    let queued = queue::list(&mut conn, ctx.store.app_id).await?;
    drop(conn);
    let snapshot = ctx.runtime.snapshot().await;
    let tz = ctx.runtime.timezone();

    let mut classified = Vec::new();
    for bee in &all {
        if let Some(item) = queued.iter().find(|item| item.bee_id == bee.id) {
            let args = item.args.clone().or_else(|| bee.args.clone());
            classified.push(ClassifiedBee {
                section: Section::Ondemand,
                group: "ondemand".into(),
                bee: RuntimeBee {
                    args,
                    ..runtime(bee, RuntimeCron::Unscheduled, None, tz)
                },
            });
        }
        let mut entry = classify(bee, tz);
        entry.bee.next_run = snapshot
            .next_fires
            .get(&bee.id)
            .map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, false));
        classified.push(entry);
    }
    Ok(Response::Overview(Overview {
        bees: classified,
        hive: snapshot.hive,
    }))
}

/// Files a Bee by its Cron: none → orphaned, disabled → disabled, no expression →
/// supervised, else scheduled.
fn classify(bee: &Bee, tz: Tz) -> ClassifiedBee {
    let group = bee.cron_slug.clone().unwrap_or_else(|| "orphaned".into());
    let (section, cron) = match &bee.cron {
        None => (Section::Orphaned, RuntimeCron::Unscheduled),
        Some(CronField::Supervised) => (Section::Supervised, RuntimeCron::Supervised),
        Some(CronField::Expression(text)) => {
            (Section::Scheduled, RuntimeCron::Expression(text.clone()))
        }
    };
    let section = if section != Section::Orphaned && !bee.enabled {
        Section::Disabled
    } else {
        section
    };
    let schedule = match &cron {
        RuntimeCron::Expression(text) => Schedule::parse_shared(text).ok(),
        _ => None,
    };
    ClassifiedBee {
        section,
        group,
        bee: runtime(bee, cron, schedule, tz),
    }
}

fn runtime(bee: &Bee, cron: RuntimeCron, schedule: Option<Schedule>, tz: Tz) -> RuntimeBee {
    let now = Utc::now().with_timezone(&tz);
    let command = bee
        .command
        .as_ref()
        .map(|text| shell_words::split(text).unwrap_or_else(|_| vec![text.clone()]));
    RuntimeBee {
        id: bee.id,
        app_id: bee.app_id,
        slug: bee.slug.clone(),
        name: bee.name.clone(),
        description: bee.description.clone(),
        command_id: bee.command_id,
        command_slug: bee.command_slug.clone(),
        command,
        module_name: bee.module.clone().unwrap_or_default(),
        cron_id: if cron == RuntimeCron::Unscheduled {
            None
        } else {
            bee.cron_id
        },
        cron,
        args: bee.args.clone(),
        enabled: bee.enabled,
        quiet_restart: bee.quiet_restart,
        timeout: schedule.as_ref().and_then(|s| s.timeout_secs(&now)),
        next_run: None,
    }
}
