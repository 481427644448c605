//! The HTTP server loop: axum's router on hyper, with the limits a slow or idle client must
//! not get around — a deadline for the request head (a client trickling header lines held a
//! connection open for as long as it liked) and for the whole body (`Deadline`).

use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use tower::Service;

/// The request line and headers must arrive within this.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(15);

/// Serves `app` on `listener` until `shutdown` resolves; connections being served finish.
pub async fn run(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut make = app.into_make_service_with_connect_info::<SocketAddr>();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Too many open files and the like: wait a moment rather than spin.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let service = match make.call(remote).await {
            Ok(s) => s,
            Err(never) => match never {},
        };
        tokio::spawn(async move {
            let mut builder = Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT);
            let hyper_service =
                hyper_util::service::TowerToHyperService::new(tower::ServiceExt::map_request(
                    service,
                    |req: hyper::Request<hyper::body::Incoming>| req.map(axum::body::Body::new),
                ));
            if let Err(e) = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), hyper_service)
                .await
            {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
}

/// A request body that must arrive whole before its deadline (a client sending one byte every
/// 25 seconds held an import open indefinitely).
pub struct Deadline<B> {
    inner: B,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl<B> Deadline<B> {
    pub fn new(inner: B, within: Duration) -> Deadline<B> {
        Deadline {
            inner,
            sleep: Box::pin(tokio::time::sleep(within)),
        }
    }
}

/// The body did not arrive in time.
#[derive(Debug, thiserror::Error)]
#[error("请求体未在时限内发送完毕")]
pub struct TooSlow;

impl<B> Body for Deadline<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(Box::new(TooSlow))));
        }
        Pin::new(&mut self.inner)
            .poll_frame(cx)
            .map(|f| f.map(|r| r.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
