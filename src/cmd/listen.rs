//! `whisper listen`: binds the receiver and the inspector, starts the store
//! writer and the output, and runs until Ctrl-C (or SIGTERM), then shuts down
//! gracefully: no new connections, in-flight requests finish and are stored.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::config::{ListenConfig, OutputMode};
use crate::feed::{self, Feed, Start};
use crate::forward::Forwarder;
use crate::relay::Relay;
use crate::report::{self, Listening, Reporter};
use crate::server::inspector::{Access, Inspector};
use crate::server::{self, receiver::Receiver, receiver::Signatures};
use crate::store::{Filter, Limits, ReadPool, Writer};
use crate::tui;

/// Runs the listener until it is told to stop.
pub async fn run(config: ListenConfig) -> anyhow::Result<ExitCode> {
    // Catch Ctrl-C and SIGTERM before anyone can learn where we listen.
    let mut signals = StopSignals::new()?;
    let (bus, _) = broadcast::channel(feed::BUS_CAPACITY);
    let writer = Writer::start(
        &config.db,
        Limits {
            retain: config.retain,
            max_size: config.max_store_size,
        },
        bus.clone(),
    )?;
    let pool = ReadPool::new(&config.db);

    let receiver_socket = bind(config.receiver, "receiver", "--port").await?;
    let inspector_socket = bind(config.inspector, "inspector", "--inspect-port").await?;
    let receiver_addr = receiver_socket.local_addr()?;
    let inspector_addr = inspector_socket.local_addr()?;

    // Subscribe before the first request can arrive: no capture goes unreported.
    let output = Feed::open(&bus, pool.clone(), Filter::default(), Start::Live).await?;
    let stop_output = CancellationToken::new();
    // The terminal UI cancels this when the user quits it.
    let ui_quit = CancellationToken::new();
    let tui = config.output == OutputMode::Tui;
    let shutdown = CancellationToken::new();
    let forwarder = Forwarder::new(
        config.forwarding.clone(),
        writer.clone(),
        pool.clone(),
        bus.clone(),
    )?;
    let output = if tui {
        let options = tui::Options {
            header: tui::Header {
                receiver: format!("http://{receiver_addr}"),
                inspector: format!("http://{inspector_addr}"),
                forward: config.forwarding.all_targets(),
                secrets: config.keyring.names(),
            },
            color: config.color,
            replayer: Some(tui::Replayer {
                forwarder: forwarder.clone(),
                keyring: config.keyring.clone(),
            }),
        };
        tokio::spawn(tui::run(
            output,
            pool.clone(),
            options,
            stop_output.clone(),
            ui_quit.clone(),
        ))
    } else {
        let mut reporter = Reporter::new(config.output, config.color, config.verbosity);
        reporter.listening(&Listening {
            receiver: receiver_addr,
            inspector: inspector_addr,
            db: &config.db,
        })?;
        let stop = stop_output.clone();
        tokio::spawn(async move {
            report::run(output, reporter, stop).await;
            Ok(())
        })
    };

    let signatures = Arc::new(Signatures {
        keyring: config.keyring.clone(),
        tolerance: config.tolerance,
        public_url: config.public_url.clone(),
    });
    let relay = config.source.clone().map(|(url, token)| {
        tokio::spawn(
            Relay {
                url,
                token,
                writer: writer.clone(),
                pool: pool.clone(),
                bus: bus.clone(),
                signatures: signatures.clone(),
                forwarder: forwarder.clone(),
            }
            .run(shutdown.clone()),
        )
    });
    tokio::spawn(feed::announce_foreign_attempts(
        bus.clone(),
        pool.clone(),
        shutdown.clone(),
    ));
    let receiver = Receiver::new(
        writer.clone(),
        config.response.clone(),
        config.max_body_size,
        bus.clone(),
        signatures.clone(),
        forwarder.clone(),
    );
    let receiver_server = tokio::spawn(server::serve(
        receiver_socket,
        move |req, remote| receiver.clone().handle(req, remote),
        shutdown.clone(),
        bus.clone(),
    ));
    let inspector = Inspector::new(
        pool.clone(),
        bus.clone(),
        shutdown.clone(),
        Access {
            token: config.token.clone(),
            cors: config.cors.clone(),
        },
        forwarder.clone(),
    );
    let inspector_server = tokio::spawn(server::serve(
        inspector_socket,
        move |req, remote| inspector.clone().handle(req, remote),
        shutdown.clone(),
        bus.clone(),
    ));

    tokio::select! {
        () = signals.recv() => {}
        () = ui_quit.cancelled() => {}
    }
    // The terminal UI gives the screen back before the shutdown, so that a
    // second Ctrl-C (an immediate exit) cannot leave the terminal raw.
    let mut output = Some(output);
    let mut ui_result = Ok(());
    if tui {
        stop_output.cancel();
        if let Some(ui) = output.take() {
            ui_result = ui
                .await
                .unwrap_or_else(|e| Err(anyhow::anyhow!("the terminal UI failed: {e}")));
        }
    }
    shutdown.cancel();
    // A second Ctrl-C means "now".
    tokio::spawn(async move {
        signals.recv().await;
        std::process::exit(130);
    });
    let _ = receiver_server.await;
    let _ = inspector_server.await;
    if let Some(relay) = relay {
        let _ = relay.await;
    }
    tokio::task::spawn_blocking(move || writer.finish())
        .await
        .context("store writer failed")?;
    stop_output.cancel();
    if let Some(output) = output {
        let _ = output.await;
    }
    ui_result?;
    Ok(ExitCode::SUCCESS)
}

async fn bind(addr: SocketAddr, what: &str, flag: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.with_context(|| {
        format!(
            "cannot listen on {addr} for the {what}; if another whisper is running, stop it or pick another {flag} (0 picks a free port)"
        )
    })
}

/// Ctrl-C and SIGTERM, registered when created (not at the first wait).
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn new() -> anyhow::Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignals {
                interrupt: signal(SignalKind::interrupt()).context("cannot catch Ctrl-C")?,
                terminate: signal(SignalKind::terminate()).context("cannot catch SIGTERM")?,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    /// Resolves on the next Ctrl-C or SIGTERM.
    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
