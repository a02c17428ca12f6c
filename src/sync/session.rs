//! One sync session's exchange with the peer: framing, counting, and refusals as errors.

use super::peer::Peer;
use super::wire::{self, Limits, Reply, Request};
use super::{Progress, Report, SyncError};

pub(super) struct Session<'a> {
    pub peer: &'a mut dyn Peer,
    pub address: String,
    pub report: Report,
    pub limits: Limits,
    pub progress: &'a mut (dyn FnMut(Progress) + Send),
}

impl Session<'_> {
    /// Sends one request and reads its reply; an error status or error reply is `Err`.
    pub fn call(
        &mut self,
        request: &Request,
        bodies: &[String],
    ) -> Result<(Reply, Vec<String>), SyncError> {
        let frame = wire::encode(request, bodies);
        let (status, reply) = self.send(frame)?;
        let decoded = wire::decode_reply(&reply);
        self.judge(request, status, &reply, decoded)
    }

    /// As [`Session::call`], for the messages that carry raw bytes instead of bodies (protocol
    /// 3): sends `raw` after the header and returns the reply's raw bytes (none when it has
    /// none).
    pub fn call_raw(
        &mut self,
        request: &Request,
        raw: &[u8],
    ) -> Result<(Reply, Vec<u8>), SyncError> {
        let frame = wire::encode_raw(request, raw);
        let (status, reply) = self.send(frame)?;
        let decoded = wire::decode_reply_raw(&reply);
        self.judge(request, status, &reply, decoded)
    }

    fn send(&mut self, frame: Vec<u8>) -> Result<(u16, Vec<u8>), SyncError> {
        self.report.bytes_sent += frame.len() as u64;
        self.report.round_trips += 1;
        let (status, reply) = self.peer.exchange(frame)?;
        self.report.bytes_received += reply.len() as u64;
        Ok((status, reply))
    }

    fn judge<T>(
        &self,
        request: &Request,
        status: u16,
        reply: &[u8],
        decoded: Result<(Reply, T), wire::WireError>,
    ) -> Result<(Reply, T), SyncError> {
        match decoded {
            Ok((Reply::Error { status, error }, _)) => Err(SyncError::Refused {
                address: self.address.clone(),
                status,
                message: error,
            }),
            Ok(ok) if status == 200 => Ok(ok),
            Ok(_) | Err(_) if status != 200 => Err(SyncError::Refused {
                address: self.address.clone(),
                status,
                message: String::from_utf8_lossy(reply).chars().take(200).collect(),
            }),
            Ok(_) => Err(SyncError::Protocol(format!(
                "{}: the reply to {} has status 200 but is not a reply",
                self.address,
                request.op()
            ))),
            Err(e) => Err(SyncError::Protocol(format!(
                "{}: the reply to {} is not readable: {e}",
                self.address,
                request.op()
            ))),
        }
    }
}

/// The error for a reply of the wrong kind.
pub(super) fn unexpected(op: &str, reply: &Reply) -> SyncError {
    let got = serde_json::to_value(reply)
        .ok()
        .and_then(|v| v.get("op").and_then(|o| o.as_str()).map(str::to_string))
        .unwrap_or_default();
    SyncError::Protocol(format!("asked {op}, the reply was {got:?}"))
}
