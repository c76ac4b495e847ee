//! Per-address rate limits: on the mailbox routes, on onion requests and on the policing
//! routes.
//!
//! Storing a message is free and unauthenticated, and a retrieve or delete costs the sender
//! only a signature by its own key, while each costs the node a disk write or a signature
//! check and a replay-guard entry. An onion request costs a key exchange and a decryption
//! (and, at a relay, a connection onward); a vote or evidence a signature check and a read of
//! the index. So each client address gets a token bucket per [`Scope`] (GCRA, from
//! `governor`): so many requests a second, in bursts of so many; past it the node answers 429
//! with `Retry-After`. Name lookups are not limited: they are cheap (cached, read-only) and
//! are what a node is for.
//!
//! A request that arrives through an onion path is carried out by the destination with no
//! client address (it has only the previous hop's): it is not limited again, the onion
//! request that carried it took its token, keyed by the previous hop (see
//! docs/threat-model.md, "Onion requests").
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

/// How fast one address may use the routes of a [`Scope`].
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

/// The routes a limiter counts, each with its own buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// `POST /storage_rpc/v1`.
    Mailbox,
    /// `POST /onion_req/v2`, at every hop (a guard sees the client, later hops the node before).
    Onion,
    /// `POST /v1/votes`, `POST /v1/evidence`, `POST /v1/storage_test`, `GET /v1/police` and
    /// `GET /v1/police/standings`.
    Policing,
}

impl Scope {
    /// The default rate: `(per second, burst)`.
    ///
    /// - Mailbox: 20, 100 (a wallet's reads and stores, with room for a catch-up).
    /// - Onion: 100, 500. A relay or destination sees the node before it, which carries the
    ///   requests of every client whose path runs through it, so one address there is many
    ///   clients; at a guard it is one client, who gets more than directly (20) but still a
    ///   bound.
    /// - Policing: 10, 200. A voting round has each node post its new votes to every peer, so
    ///   a node receives about one vote per peer per node voted on, each peer from its own
    ///   address; several nodes behind one address (an operator's, or a test's 127.0.0.1)
    ///   share a bucket, which the burst leaves room for.
    pub(crate) const fn default_rate(self) -> (u32, u32) {
        match self {
            Self::Mailbox => (20, 100),
            Self::Onion => (100, 500),
            Self::Policing => (10, 200),
        }
    }

    /// What the refusal says is limited.
    const fn requests(self) -> &'static str {
        match self {
            Self::Mailbox => "mailbox requests",
            Self::Onion => "onion requests",
            Self::Policing => "policing requests",
        }
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

/// One token bucket per client key, for the routes of one [`Scope`].
#[derive(Debug)]
pub(crate) struct Limiter<C: Clock = DefaultClock> {
    scope: Scope,
    rate: Rate,
    limiter: RateLimiter<IpAddr, DashMapStateStore<IpAddr>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
}

impl Limiter {
    /// A limiter of `scope` at `rate`, on the real clock.
    pub(crate) fn new(scope: Scope, rate: Rate) -> Self {
        Self::with_clock(scope, rate, DefaultClock::default())
    }
}

impl<C: Clock + Clone> Limiter<C> {
    /// A limiter of `scope` at `rate` on `clock` (a fake one in tests).
    pub(crate) fn with_clock(scope: Scope, rate: Rate, clock: C) -> Self {
        let quota = Quota::per_second(rate.per_second).allow_burst(rate.burst);
        Self {
            scope,
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
                scope: self.scope,
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

/// The rate of each [`Scope`] (`None`: that limit is off), from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rates {
    pub mailbox: Option<Rate>,
    pub onion: Option<Rate>,
    pub policing: Option<Rate>,
}

impl Default for Rates {
    /// Each scope's [`Scope::default_rate`].
    fn default() -> Self {
        let rate = |scope: Scope| {
            let (per_second, burst) = scope.default_rate();
            Rate::new(per_second, burst)
        };
        Self {
            mailbox: rate(Scope::Mailbox),
            onion: rate(Scope::Onion),
            policing: rate(Scope::Policing),
        }
    }
}

/// The limiters of a node, one per [`Scope`] whose limit is on.
#[derive(Debug, Clone, Default)]
pub(crate) struct Limits {
    pub mailbox: Option<Arc<Limiter>>,
    pub onion: Option<Arc<Limiter>>,
    pub policing: Option<Arc<Limiter>>,
}

impl Limits {
    /// A limiter for each rate that is on.
    pub(crate) fn new(rates: Rates) -> Self {
        let limiter =
            |scope, rate: Option<Rate>| rate.map(|rate| Arc::new(Limiter::new(scope, rate)));
        Self {
            mailbox: limiter(Scope::Mailbox, rates.mailbox),
            onion: limiter(Scope::Onion, rates.onion),
            policing: limiter(Scope::Policing, rates.policing),
        }
    }

    /// [`Limiter::forget_idle`] on each.
    pub(crate) fn forget_idle(&self) {
        for limiter in [&self.mailbox, &self.onion, &self.policing]
            .into_iter()
            .flatten()
        {
            limiter.forget_idle();
        }
    }
}

/// A request over its client's rate (answered 429 with `Retry-After`).
#[derive(Debug, thiserror::Error)]
#[error(
    "too many {} from {client}: at most {} a second (bursts of {}); retry in {} ms",
    scope.requests(),
    rate.per_second,
    rate.burst,
    wait.as_millis().max(1)
)]
pub(crate) struct RateLimited {
    scope: Scope,
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

/// Middleware on limited routes: a request over its address's rate is refused with
/// [`RateLimited`] before its body is read. A request with no peer address is not limited,
/// nor is any when `limiter` is `None`: in-process tests make such requests, and so does the
/// destination of an onion request when it carries out the request inside (the onion
/// request took the token, see the module's documentation).
pub(crate) async fn limit(
    State(limiter): State<Option<Arc<Limiter>>>,
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

    fn limiter(per_second: u32, burst: u32) -> (Limiter<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        let rate = Rate::new(per_second, burst).unwrap();
        (
            Limiter::with_clock(Scope::Mailbox, rate, clock.clone()),
            clock,
        )
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
    fn each_scope_counts_apart_and_says_what_it_limits() {
        let limits = Limits::new(Rates {
            mailbox: Rate::new(1, 1),
            onion: Rate::new(1, 1),
            policing: None,
        });
        assert!(limits.policing.is_none(), "a rate of 0 is no limiter");
        let ip = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9));
        let (mailbox, onion) = (limits.mailbox.unwrap(), limits.onion.unwrap());
        mailbox.check(ip).unwrap();
        onion
            .check(ip)
            .expect("the mailbox's bucket is not the onion's");
        let refused = onion.check(ip).unwrap_err().to_string();
        assert!(
            refused.starts_with(
                "too many onion requests from 192.0.2.9: at most 1 a second (bursts of 1)"
            ),
            "{refused}"
        );
    }

    /// A route behind [`limit`] at 2 a second in bursts of 3, answering 200.
    fn limited_route() -> axum::Router {
        let limiter = Arc::new(Limiter::new(Scope::Policing, Rate::new(2, 3).unwrap()));
        axum::Router::new().route(
            "/v1/votes",
            axum::routing::post(|| async { "kept" })
                .layer(axum::middleware::from_fn_with_state(Some(limiter), limit)),
        )
    }

    async fn post_from(router: &axum::Router, peer: Option<&str>) -> u16 {
        use tower::ServiceExt;
        let mut request = Request::builder()
            .method("POST")
            .uri("/v1/votes")
            .body(axum::body::Body::empty())
            .unwrap();
        if let Some(peer) = peer {
            let peer: SocketAddr = peer.parse().unwrap();
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        let response = router.clone().oneshot(request).await.unwrap();
        if response.status() == axum::http::StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key("retry-after"));
        }
        response.status().as_u16()
    }

    #[tokio::test]
    async fn a_flood_from_one_address_gets_429_and_others_do_not() {
        let router = limited_route();
        let mut flood = Vec::new();
        for _ in 0..10 {
            flood.push(post_from(&router, Some("198.51.100.1:4000")).await);
        }
        assert_eq!(flood, [200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
        // Another port of the same address is the same client; another address is not.
        assert_eq!(post_from(&router, Some("198.51.100.1:4001")).await, 429);
        assert_eq!(post_from(&router, Some("198.51.100.2:4000")).await, 200);
        // A request with no client address (the request inside an onion request, carried
        // out by the destination) is not limited again.
        for _ in 0..10 {
            assert_eq!(post_from(&router, None).await, 200);
        }
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
