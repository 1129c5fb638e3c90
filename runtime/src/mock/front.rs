//! The mock server's front: the address clients talk to. It passes each request on to the
//! wiremock server behind it and the answer back, over the same keep-alive connection, except
//! an answer that carries the [`RESET`] header: that client's connection is reset instead (a TCP
//! RST), which wiremock cannot do. Only the header of wiremock's answer counts, never its body.

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo};
use socket2::{SockRef, Socket};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// The header by which an answer asks the front to reset the connection instead of passing it on.
pub(super) const RESET: &str = "x-oas-client-mock-reset";

type Upstream = Client<HttpConnector, Incoming>;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A running front; it stops when dropped.
pub(super) struct Front {
    pub(super) addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl Front {
    /// Listens on a free local port, passing requests on to `upstream`. Like wiremock, it runs
    /// on a thread of its own, so that it serves whatever runtime (or none) the test uses.
    pub(super) fn start(upstream: SocketAddr) -> io::Result<Front> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new().name("mock-server-front".into()).spawn(move || {
            // Ends when the `Front` is dropped; dropping the runtime then ends every connection.
            runtime.block_on(async move {
                tokio::spawn(accept(listener, upstream));
                let _ = stopped.await;
            });
        })?;
        Ok(Front { addr, _stop: stop })
    }
}

async fn accept(listener: std::net::TcpListener, upstream: SocketAddr) -> io::Result<()> {
    let listener = TcpListener::from_std(listener)?;
    let client: Upstream = Client::builder(TokioExecutor::new()).build_http();
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(connection(stream, client.clone(), upstream));
    }
}

/// Serves one client connection until either side closes it or an answer resets it.
async fn connection(stream: TcpStream, client: Upstream, upstream: SocketAddr) {
    // A second handle on the socket, to set it to reset on close once hyper owns the stream.
    let Ok(socket) = SockRef::from(&stream).try_clone() else { return };
    let socket = Arc::new(socket);
    let service = service_fn(move |request| forward(request, client.clone(), upstream, Arc::clone(&socket)));
    // An error ends the connection: a reset, the client going away, or wiremock failing.
    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
}

async fn forward(
    request: Request<Incoming>,
    client: Upstream,
    upstream: SocketAddr,
    socket: Arc<Socket>,
) -> Result<Response<Incoming>, BoxError> {
    let (mut parts, body) = request.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    parts.uri = format!("http://{upstream}{path}").parse()?;
    let response = client.request(Request::from_parts(parts, body)).await?;
    if response.headers().contains_key(RESET) {
        // Closed with a zero linger time, the socket sends RST instead of FIN; hyper closes it
        // (and this task drops the second handle) on the error.
        socket.set_linger(Some(Duration::ZERO))?;
        return Err("the expectation resets the connection".into());
    }
    Ok(response)
}
