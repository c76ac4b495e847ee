//! The market: listings and offers.

use crate::app::AppState;
use crate::handlers::error::{ApiError, ApiResult};
use crate::handlers::extract::{PathParam, QueryParams, parse_address};
use alloy::primitives::U256;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sesh_core::Name;
use sesh_core::api::{ListingsResponse, OffersResponse};

/// The largest page of listings.
pub(crate) const MAX_PAGE: usize = 500;

/// The most digits a price filter takes (every 77-digit number fits a `uint256`).
pub(crate) const MAX_AMOUNT_DIGITS: usize = 77;

/// Query of `GET /v1/listings`.
#[derive(Debug, Deserialize)]
pub(crate) struct ListingsQuery {
    /// Only this seller's listings.
    pub seller: Option<String>,
    /// Only listings at or above this price (SESH units).
    pub min_price: Option<String>,
    /// Only listings at or below this price (SESH units).
    pub max_price: Option<String>,
    /// `price` (default) or `end_time`.
    pub sort: Option<String>,
    /// `asc` (default) or `desc`.
    pub order: Option<String>,
    /// Page size (default 50, at most 500).
    pub limit: Option<usize>,
    /// Entries to skip.
    pub offset: Option<usize>,
}

fn amount(input: Option<&str>, what: &str) -> Result<Option<U256>, ApiError> {
    input
        .map(|text| {
            // 1 to 77 digits (docs/openapi.yaml, AmountInput): from_str_radix alone would also
            // take an empty string as 0.
            let digits = (1..=MAX_AMOUNT_DIGITS).contains(&text.len())
                && text.bytes().all(|b| b.is_ascii_digit());
            digits
                .then(|| U256::from_str_radix(text, 10).ok())
                .flatten()
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "{what} {text:?} is not a whole number of SESH units (1 to {MAX_AMOUNT_DIGITS} digits)"
                    ))
                })
        })
        .transpose()
}

/// `GET /v1/listings`: live listings, filtered, sorted and paged.
pub(crate) async fn listings(
    State(app): State<AppState>,
    QueryParams(query): QueryParams<ListingsQuery>,
) -> ApiResult<Json<ListingsResponse>> {
    let seller = query.seller.as_deref().map(parse_address).transpose()?;
    let min = amount(query.min_price.as_deref(), "min_price")?;
    let max = amount(query.max_price.as_deref(), "max_price")?;
    let limit = query.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::BadRequest(format!(
            "limit must be 1 to {MAX_PAGE}; got {limit}"
        )));
    }
    let descending = match query.order.as_deref().unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        other => {
            return Err(ApiError::BadRequest(format!(
                "order {other:?} is not asc or desc"
            )));
        }
    };
    let mut listings: Vec<_> = app
        .listings()?
        .into_iter()
        .filter(|l| seller.is_none_or(|s| l.answer.seller == s))
        .filter(|l| min.is_none_or(|m| l.answer.price >= m))
        .filter(|l| max.is_none_or(|m| l.answer.price <= m))
        .collect();
    match query.sort.as_deref().unwrap_or("price") {
        "price" => listings.sort_by(|a, b| {
            (a.answer.price, &a.answer.name).cmp(&(b.answer.price, &b.answer.name))
        }),
        "end_time" => listings.sort_by(|a, b| {
            (a.answer.end_time, &a.answer.name).cmp(&(b.answer.end_time, &b.answer.name))
        }),
        other => {
            return Err(ApiError::BadRequest(format!(
                "sort {other:?} is not price or end_time"
            )));
        }
    }
    if descending {
        listings.reverse();
    }
    let total = listings.len() as u64;
    let page = listings
        .into_iter()
        .skip(query.offset.unwrap_or(0))
        .take(limit)
        .collect();
    Ok(Json(ListingsResponse {
        listings: page,
        total,
        freshness: app.status.freshness(),
    }))
}

/// `GET /v1/names/{name}/offers`.
pub(crate) async fn offers(
    State(app): State<AppState>,
    PathParam(name): PathParam<String>,
) -> ApiResult<Json<OffersResponse>> {
    let name = Name::parse(&name)?;
    Ok(Json(OffersResponse {
        offers: app.offers(&name)?,
        freshness: app.status.freshness(),
    }))
}
