//! `wurk admin control pause|resume|reload`.

use protocol::Response;
use protocol::runtime::ControlAction;

use crate::handlers::{Context, Outcome};

pub async fn control(ctx: &Context, action: ControlAction) -> Outcome<Response> {
    ctx.runtime.control(action).await?;
    Ok(Response::Done)
}
