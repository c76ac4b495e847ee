//! Per-address rate limits on the mailbox routes.
//!
//! Storing a message is free and unauthenticated, and a retrieve or delete costs the sender
//! only a signature by its own key, while each costs the node a disk write or a signature
//! check and a replay-guard entry. So each client address gets a token bucket (GCRA, from
//! `governor`): `mailbox_requests_per_sec` a second, bursts of `mailbox_request_burst`; past
//! it the node answers 429 with `Retry-After`. Name lookups are not limited: they are cheap
//! (cached, read-only) and are what a node is for.
//!
//! An IPv6 client is keyed by its /64, the block one subscriber usually holds, so that
//! rotating addresses within it buys nothing; an IPv4-mapped address counts as IPv4.

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// How fast one address may use the mailbox routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rate {
    /// Requests a second, sustained.
    pub per_second: NonZeroU32,
    /// Requests allowed at once after a quiet spell.
    pub burst: NonZeroU32,
}

impl Rate {
    /// `per_second` with bursts of `burst` (at least `per_second`); `None` when `per_second`
    /// is 0, which turns the limit off.
    pub(crate) fn new(per_second: u32, burst: u32) -> Option<Self> {
        let per_second = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst.max(per_second.get())).unwrap_or(per_second);
        Some(Self { per_second, burst })
    }
}

/// The key a client is limited under: its IPv4 address or its IPv6 /64.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

/// One token bucket per client key.
#[derive(Debug)]
pub(crate) struct MailboxLimiter<C: Clock = DefaultClock> {
    rate: Rate,
    limiter: RateLimiter<IpAddr, DashMapStateStore<IpAddr>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
}

impl MailboxLimiter {
    /// A limiter at `rate`, on the real clock.
    pub(crate) fn new(rate: Rate) -> Self {
        Self::with_clock(rate, DefaultClock::default())
    }
}

impl<C: Clock + Clone> MailboxLimiter<C> {
    /// A limiter at `rate` on `clock` (a fake one in tests).
    pub(crate) fn with_clock(rate: Rate, clock: C) -> Self {
        let quota = Quota::per_second(rate.per_second).allow_burst(rate.burst);
        Self {
            rate,
            limiter: RateLimiter::dashmap_with_clock(quota, clock.clone()),
            clock,
        }
    }

    /// Takes a token for `ip`, or says how long until one is free.
    pub(crate) fn check(&self, ip: IpAddr) -> Result<(), RateLimited> {
        let client = client_key(ip);
        self.limiter
            .check_key(&client)
            .map_err(|not_until| RateLimited {
                client,
                rate: self.rate,
                wait: not_until.wait_time_from(self.clock.now()),
            })
    }

    /// Forgets the clients whose buckets are full again (they would start afresh anyway),
    /// so the table holds only recent clients.
    pub(crate) fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// A request over its client's rate (answered 429 with `Retry-After`).
#[derive(Debug, thiserror::Error)]
#[error(
    "too many mailbox requests from {client}: at most {} a second (bursts of {}); retry in {} ms",
    rate.per_second,
    rate.burst,
    wait.as_millis().max(1)
)]
pub(crate) struct RateLimited {
    /// The key the client is limited under.
    client: IpAddr,
    rate: Rate,
    /// How long until the client's next token.
    wait: Duration,
}

impl RateLimited {
    /// Whole seconds to wait, at least 1 (`Retry-After` counts seconds).
    pub(crate) fn retry_after_secs(&self) -> u64 {
        let wait = self.wait;
        (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
    }
}

/// Middleware on the mailbox routes: a request over its address's rate is refused with
/// [`RateLimited`]. A request with no peer address (only in-process tests make those) is not
/// limited, nor is any when `limiter` is `None`.
pub(crate) async fn limit_mailbox(
    State(limiter): State<Option<Arc<MailboxLimiter>>>,
    request: Request,
    next: Next,
) -> Result<Response, RateLimited> {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>();
    if let (Some(limiter), Some(ConnectInfo(peer))) = (limiter, peer) {
        limiter.check(peer.ip())?;
    }
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;
    use std::net::Ipv4Addr;

    fn limiter(
        per_second: u32,
        burst: u32,
    ) -> (MailboxLimiter<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        let rate = Rate::new(per_second, burst).unwrap();
        (MailboxLimiter::with_clock(rate, clock.clone()), clock)
    }

    #[test]
    fn zero_turns_the_limit_off_and_the_burst_is_at_least_the_rate() {
        assert_eq!(Rate::new(0, 100), None);
        let rate = Rate::new(10, 3).unwrap();
        assert_eq!((rate.per_second.get(), rate.burst.get()), (10, 10));
    }

    #[test]
    fn a_burst_then_one_request_per_interval() {
        let (limiter, clock) = limiter(2, 4);
        let ip = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        for _ in 0..4 {
            limiter.check(ip).unwrap();
        }
        let refused = limiter.check(ip).unwrap_err();
        assert_eq!(refused.wait, Duration::from_millis(500));
        assert_eq!(refused.retry_after_secs(), 1);
        // Another client is not affected.
        limiter
            .check(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)))
            .unwrap();
        clock.advance(Duration::from_millis(499));
        assert!(limiter.check(ip).is_err());
        clock.advance(Duration::from_millis(1));
        limiter.check(ip).unwrap();
        assert!(limiter.check(ip).is_err());
    }

    #[test]
    fn an_ipv6_client_is_its_64_and_a_mapped_ipv4_is_ipv4() {
        let (limiter, _clock) = limiter(1, 1);
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        limiter.check(a).unwrap();
        assert!(limiter.check(b).is_err(), "same /64");
        limiter.check(other).unwrap();
        let v4: IpAddr = "198.51.100.7".parse().unwrap();
        let mapped: IpAddr = "::ffff:198.51.100.7".parse().unwrap();
        limiter.check(v4).unwrap();
        assert!(limiter.check(mapped).is_err(), "the same IPv4 client");
    }

    #[test]
    fn idle_clients_are_forgotten() {
        let (limiter, clock) = limiter(10, 10);
        for i in 0..50u8 {
            limiter
                .check(IpAddr::V4(Ipv4Addr::new(10, 0, 0, i)))
                .unwrap();
        }
        assert_eq!(limiter.limiter.len(), 50);
        limiter.forget_idle();
        assert_eq!(limiter.limiter.len(), 50, "their buckets are not full yet");
        clock.advance(Duration::from_secs(2));
        limiter.forget_idle();
        assert_eq!(limiter.limiter.len(), 0);
    }
}
