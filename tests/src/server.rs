//! Starting and stopping `wrangler dev` (and chromedriver) as process groups.

use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The repository root (the tests crate sits one level below it).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Asks the OS for a port nobody listens on.
pub fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A background process group that dies with this test process: a watchdog shell polls our pid
/// and kills its whole group (wrangler, esbuild, workerd) once we are gone, so even a test binary
/// killed by a signal leaves nothing behind. `Drop` stops it at once.
#[derive(Debug)]
pub struct ProcessGroup {
    child: Child,
}

impl ProcessGroup {
    /// Runs `command` (a shell command line) in a new session, output appended to `log`.
    pub fn spawn(command: &str, log: &Path, envs: &[(&str, &str)]) -> io::Result<Self> {
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)?;
        // `kill -SIG -PGID`, not `kill -SIG -- -PGID`: dash's builtin kill refuses `--`. The
        // watchdog ignores TERM only after its child is started, so it survives its own TERM to
        // follow up with KILL for anything (wrangler, workerd) that did not stop.
        let script = format!(
            "{command} >>'{log}' 2>&1 </dev/null & w=$!; \
             while kill -0 {parent} 2>/dev/null && kill -0 $w 2>/dev/null; do sleep 1; done; \
             trap '' TERM; kill -TERM -$$ 2>/dev/null; sleep 3; kill -KILL -$$ 2>/dev/null",
            log = log.display(),
            parent = std::process::id(),
        );
        let mut cmd = Command::new("setsid");
        cmd.arg("sh").arg("-c").arg(script).current_dir(repo_root());
        cmd.stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        Ok(Self {
            child: cmd.spawn()?,
        })
    }

    /// The group's id (its leader's pid): every process it started (wrangler, workerd) is in it,
    /// so the API benchmark finds workerd's CPU time there.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Kills the whole group at once with SIGKILL — nobody gets to finish what it was doing, as
    /// in a crash or a machine losing power to its processes — and waits until every member is
    /// gone (the crash test, `api_crash`).
    pub fn kill(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        // Reaps the leader, so that the group's liveness below is that of the others.
        let _ = self.child.wait();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && group_alive(&group) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the whole group and waits until every member is gone.
    pub fn stop(&mut self) {
        let group = format!("-{}", self.child.id());
        // Quiet: the group may already be gone (stopped twice, or it exited on its own).
        let _ = Command::new("kill")
            .args(["-TERM", "--", &group])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && group_alive(&group) {
            std::thread::sleep(Duration::from_millis(100));
        }
        if group_alive(&group) {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &group])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.wait();
    }
}

fn group_alive(group: &str) -> bool {
    Command::new("kill")
        .args(["-0", "--", group])
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The import API key of test servers (tests never see the developer's `.dev.vars`).
pub const TEST_API_KEY: &str = "test-import-key-0123456789abcdef";
/// The token-signing key of test servers.
pub const TEST_SIGNING_KEY: &str = "test-signing-key-0123456789abcdef0123456789abcdef";
/// The webhook-signing key of test servers.
pub const TEST_WEBHOOK_SECRET: &str = "test-webhook-secret";

/// A running `wrangler dev` serving the built worker and portal on one origin.
#[derive(Debug)]
pub struct Wrangler {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    /// The `--persist-to` directory (local KV, R2 and cache state).
    pub state_dir: PathBuf,
    group: ProcessGroup,
}

impl Wrangler {
    /// Starts on a free port with a fresh state directory under `test-artifacts/state/`.
    pub fn start_fresh(name: &str) -> io::Result<Self> {
        let dir = repo_root()
            .join("test-artifacts/state")
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Self::start(&dir)
    }

    /// Starts on a free port over an existing state directory (a restart keeps the data).
    pub fn start(state_dir: &Path) -> io::Result<Self> {
        Self::start_with(state_dir, &[])
    }

    /// Like [`Wrangler::start`], with extra `[vars]` (e.g. a `WEBHOOK_URL`).
    pub fn start_with(state_dir: &Path, vars: &[(&str, &str)]) -> io::Result<Self> {
        Self::start_on(state_dir, free_port()?, vars)
    }

    /// The process group wrangler and its workerd run in ([`ProcessGroup::id`]).
    pub fn process_group(&self) -> u32 {
        self.group.id()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.base
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    /// Like [`Wrangler::start_with`] on a given port: a server stopped and started again at the
    /// same address and state is, to a browser, the same site that went away and came back.
    pub fn start_on(state_dir: &Path, port: u16, vars: &[(&str, &str)]) -> io::Result<Self> {
        // Its own inspector port too: two servers starting at once would both take the default
        // (9229) and one would fail with "Address already in use".
        let inspector = free_port()?;
        let log = state_dir.with_extension("log");
        // A file of no secrets in place of the developer's `.dev.vars`, which `wrangler dev` reads
        // from the project's root unless it is given env files: a checkout where
        // `scripts/dev.sh` wrote its keys (Web Push among them) must test as a clean one does.
        let env_file = state_dir.with_extension("env");
        std::fs::write(&env_file, "# a test server's secrets are its --var flags\n")?;
        // AFTERSALES_PREBUILT: the test command built the worker once already; the [build] step
        // would otherwise rebuild it at every start.
        let command = format!(
            "exec wrangler dev --ip 127.0.0.1 --port {port} --inspector-port {inspector} --persist-to '{}' --test-scheduled --log-level warn \
             --show-interactive-dev-session=false --var SIGNING_KEY:{TEST_SIGNING_KEY} --var IMPORT_API_KEY:{TEST_API_KEY} \
             --var WEBHOOK_SECRET:{TEST_WEBHOOK_SECRET} --var LOOKUPS_PER_IP_PER_MINUTE:100000 \
             --var LOGINS_PER_IP_PER_MINUTE:100000 --env-file '{}'{}",
            state_dir.display(),
            env_file.display(),
            vars.iter()
                .map(|(k, v)| format!(" --var '{k}:{v}'"))
                .collect::<String>()
        );
        let group = ProcessGroup::spawn(&command, &log, &[("AFTERSALES_PREBUILT", "1")])?;
        let wrangler = Self {
            base: format!("http://127.0.0.1:{port}"),
            state_dir: state_dir.to_path_buf(),
            group,
        };
        wrangler.wait_ready(&log)?;
        Ok(wrangler)
    }

    fn wait_ready(&self, log: &Path) -> io::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(90);
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(2))
            .build();
        while Instant::now() < deadline {
            if agent
                .get(&format!("{}/api/health", self.base))
                .call()
                .is_ok()
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let tail = std::fs::read_to_string(log).unwrap_or_default();
        Err(io::Error::other(format!(
            "wrangler dev did not answer /api/health within 90 s; log:\n{tail}"
        )))
    }

    /// Kills wrangler and workerd at once with SIGKILL, mid-request ([`ProcessGroup::kill`]).
    pub fn kill(mut self) {
        self.group.kill();
    }

    /// Stops wrangler and everything it started.
    pub fn stop(mut self) {
        self.group.stop();
    }
}
