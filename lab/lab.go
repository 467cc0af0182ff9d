package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/cli"
)

// Daemons are the per-switch binaries, in start order (after redis-server).
var Daemons = []string{"vsd", "syncd", "orchagent", "cfgmgrd", "pgwlldpd"}

// StateFile is the name of the lab's state file in its run directory.
const StateFile = "lab-state.json"

// Options configure Up.
type Options struct {
	// BinDir holds vsd, syncd, orchagent, cfgmgrd and pgwlldpd.
	BinDir string
	// RedisServer is the redis-server binary (default: from PATH).
	RedisServer string
	// RunDir holds the state file and one directory per switch (sockets,
	// platform file, logs). Default run/lab.
	RunDir string
	// Timeout bounds the wait for convergence (default 60s).
	Timeout time.Duration
	// Grace is how long a stopped process gets between SIGTERM and
	// SIGKILL (default 5s).
	Grace time.Duration
	// LogLevel is passed to the daemons (default info).
	LogLevel string
	// Progress receives one line per step (nil: quiet).
	Progress io.Writer
	// SoftGrace is how long to keep waiting for the soft checks (parts
	// that may not be built yet) once the others hold (default 10s).
	SoftGrace time.Duration
	// KeepOnFailure leaves the processes running when Up fails to
	// converge (to look at them; lab down stops them).
	KeepOnFailure bool
	// HostsMode overrides the topology's hosts_mode (auto, netns,
	// simulated; empty: the topology's).
	HostsMode string
}

func (o *Options) defaults() {
	if o.RunDir == "" {
		o.RunDir = filepath.Join("run", "lab")
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.Grace <= 0 {
		o.Grace = 5 * time.Second
	}
	if o.SoftGrace <= 0 {
		o.SoftGrace = 10 * time.Second
	}
	if o.LogLevel == "" {
		o.LogLevel = "info"
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
}

// SwitchRun is where a switch of a running lab lives.
type SwitchRun struct {
	Name          string `json:"name"`
	Dir           string `json:"dir"`
	RedisSocket   string `json:"redis_socket"`
	HALSocket     string `json:"hal_socket"`
	ControlSocket string `json:"control_socket"`
	Platform      string `json:"platform"`
	Config        string `json:"config"`
}

// State is what lab up records (JSON in <run dir>/lab-state.json) so that
// lab status and lab down, in other processes, find what it started.
type State struct {
	Topology  string      `json:"topology"`
	Name      string      `json:"name"`
	RunDir    string      `json:"run_dir"`
	Started   time.Time   `json:"started"`
	Switches  []SwitchRun `json:"switches"`
	Processes []*Proc     `json:"processes"`
	// HostsMode is how the hosts were made: netns or simulated.
	HostsMode string `json:"hosts_mode,omitempty"`
	// Hosts are the netns hosts (netns mode).
	Hosts []HostRun `json:"hosts,omitempty"`
	// Created lists the namespaces and veths the lab created, in order;
	// lab down removes exactly these.
	Created []NetObject `json:"created,omitempty"`
}

// Lab is a started (or loaded) lab.
type Lab struct {
	Topo  *Topology
	State State
	opts  Options
	mu    sync.Mutex // State.Processes and the state file
}

// ResolveBinDir finds the daemons: dir when set, else the directory of the
// running executable when it holds vsd (bin/vltgw finds bin/vsd), else
// ./bin.
func ResolveBinDir(dir string) (string, error) {
	var tried []string
	try := func(d string) bool {
		tried = append(tried, d)
		for _, n := range Daemons {
			if st, err := os.Stat(filepath.Join(d, n)); err != nil || st.IsDir() {
				return false
			}
		}
		return true
	}
	if dir != "" {
		if try(dir) {
			return filepath.Abs(dir)
		}
		return "", fmt.Errorf("bin dir %s does not hold %s (run make build)", dir, strings.Join(Daemons, ", "))
	}
	if exe, err := os.Executable(); err == nil {
		if d := filepath.Dir(exe); try(d) {
			return d, nil
		}
	}
	if try("bin") {
		return filepath.Abs("bin")
	}
	return "", fmt.Errorf("daemons (%s) not found in %s: run make build or pass --bin", strings.Join(Daemons, ", "), strings.Join(tried, " or "))
}

// Prepare checks everything Up needs before starting anything: the
// binaries, each switch's config_db.json (parse, cross-check with the
// topology, cfgmgrd's rules) and socket path lengths.
func Prepare(t *Topology, o *Options) (map[string]*SwitchConfig, error) {
	o.defaults()
	bin, err := ResolveBinDir(o.BinDir)
	if err != nil {
		return nil, err
	}
	o.BinDir = bin
	if o.RedisServer == "" {
		o.RedisServer = "redis-server"
	}
	if o.RedisServer, err = exec.LookPath(o.RedisServer); err != nil {
		return nil, fmt.Errorf("redis-server not found (make deps installs it): %w", err)
	}
	if o.RunDir, err = filepath.Abs(o.RunDir); err != nil {
		return nil, err
	}
	cfgs := map[string]*SwitchConfig{}
	var errs []error
	for i := range t.Switches {
		s := &t.Switches[i]
		c, err := LoadSwitchConfig(t.Path(s.Config))
		if err != nil {
			errs = append(errs, fmt.Errorf("switch %s: %w", s.Name, err))
			continue
		}
		errs = append(errs, c.CheckAgainst(s), c.CheckRules())
		cfgs[s.Name] = c
		if sock := switchRun(o.RunDir, s.Name, "").ControlSocket; len(sock) > 100 {
			errs = append(errs, fmt.Errorf("run dir %s: socket path %s is longer than a unix socket allows; use a shorter --run-dir", o.RunDir, sock))
		}
	}
	return cfgs, errors.Join(errs...)
}

func switchRun(runDir, name, config string) SwitchRun {
	d := filepath.Join(runDir, name)
	return SwitchRun{Name: name, Dir: d, RedisSocket: filepath.Join(d, "redis.sock"), HALSocket: filepath.Join(d, "hal.sock"),
		ControlSocket: filepath.Join(d, "vs-control.sock"), Platform: filepath.Join(d, "platform.yaml"), Config: config}
}

// ErrAlreadyUp is returned by Up when the run directory's state file names
// processes that still run.
var ErrAlreadyUp = errors.New("lab already up")

// Up starts the lab: per switch a redis-server, the config_db.json loaded
// into CONFIG_DB, vsd on a generated platform file wired to the other
// switches, syncd, orchagent, cfgmgrd and pgwlldpd; then it waits for
// convergence. On failure it stops what it started and returns the error
// with the tail of the failing process's log.
func Up(ctx context.Context, t *Topology, topoPath string, o Options) (*Lab, *Report, error) {
	cfgs, err := Prepare(t, &o)
	if err != nil {
		return nil, nil, err
	}
	if old, err := LoadState(o.RunDir); err == nil {
		if alive := old.aliveProcs(); len(alive) > 0 {
			return nil, nil, fmt.Errorf("%w: %d processes of %s still run (see %s); run vltgw lab down first",
				ErrAlreadyUp, len(alive), old.State.Name, filepath.Join(o.RunDir, StateFile))
		}
		if err := old.cleanup(false); err != nil {
			return nil, nil, fmt.Errorf("the previous lab in %s left network namespaces or veths that could not be removed: %w", o.RunDir, err)
		}
	}
	mode, why, err := ResolveHostsMode(t, o.HostsMode)
	if err != nil {
		return nil, nil, err
	}
	wiring, err := AllocateWiring(t, LoopbackFor(o.RunDir))
	if err != nil {
		return nil, nil, err
	}
	if abs, err := filepath.Abs(topoPath); err == nil {
		topoPath = abs
	}
	l := &Lab{Topo: t, opts: o, State: State{Topology: topoPath, Name: t.Name, RunDir: o.RunDir, Started: time.Now().UTC()}}
	if err := os.MkdirAll(o.RunDir, 0o755); err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*Lab, *Report, error) {
		fmt.Fprintf(o.Progress, "lab up failed; stopping what was started\n")
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return nil, nil, errors.Join(err, l.Down(stopCtx, false))
	}
	fmt.Fprintf(o.Progress, "hosts: %s (%s)\n", mode, why)
	if mode == HostsNetns {
		hosts, err := PlanHosts(t, cfgs, RunID(o.RunDir))
		if err != nil {
			return fail(err)
		}
		if err := l.createHosts(hosts); err != nil {
			l.mu.Lock()
			nothing := len(l.State.Created) == 0
			l.mu.Unlock()
			if !(nothing && o.HostsMode != HostsNetns && t.HostsMode == HostsAuto) {
				return fail(err)
			}
			// auto, and not even the first namespace could be made
			// (root without CAP_NET_ADMIN, no netns support).
			mode = HostsSimulated
			fmt.Fprintf(o.Progress, "hosts: %s (hosts_mode auto: cannot create a network namespace: %v)\n", mode, err)
		}
	}
	l.State.HostsMode = mode
	for _, s := range t.Switches {
		r := switchRun(o.RunDir, s.Name, t.Path(s.Config))
		if err := os.MkdirAll(r.Dir, 0o755); err != nil {
			return fail(err)
		}
		for _, f := range []string{r.RedisSocket, r.HALSocket, r.ControlSocket} {
			_ = os.Remove(f) // stale sockets of a lab that died
		}
		for _, n := range append([]string{"redis"}, Daemons...) {
			_ = os.Remove(filepath.Join(r.Dir, n+".log")) // logs of the previous run
		}
		plat, err := PlatformYAMLHosts(t, wiring, l.State.Hosts, s.Name)
		if err != nil {
			return fail(err)
		}
		if err := os.WriteFile(r.Platform, plat, 0o644); err != nil {
			return fail(err)
		}
		l.State.Switches = append(l.State.Switches, r)
	}
	if err := l.save(); err != nil {
		return fail(err)
	}
	// redis-server and the configuration first: the daemons read
	// CONFIG_DB at start (orchagent its MAC, cfgmgrd every row).
	for _, r := range l.State.Switches {
		if err := l.startRedis(ctx, r); err != nil {
			return fail(err)
		}
		if err := loadConfig(ctx, r.RedisSocket, r.Config); err != nil {
			return fail(fmt.Errorf("switch %s: config load: %w", r.Name, err))
		}
		fmt.Fprintf(o.Progress, "%-4s redis up, %d rows of %s loaded into CONFIG_DB\n", r.Name, len(cfgs[r.Name].Rows), r.Config)
	}
	for _, r := range l.State.Switches {
		if err := l.startVSD(ctx, r); err != nil {
			return fail(err)
		}
	}
	for _, r := range l.State.Switches {
		s, _ := t.Switch(r.Name)
		for _, d := range Daemons[1:] {
			argv := []string{filepath.Join(o.BinDir, d), "-redis-socket", r.RedisSocket, "-log-level", o.LogLevel}
			switch d {
			case "syncd", "pgwlldpd":
				argv = append(argv, "-hal", r.HALSocket)
			case "orchagent":
				argv = append(argv, "-mac", s.MAC, "-hal", r.HALSocket)
			}
			if _, err := l.start(r, d, argv); err != nil {
				return fail(err)
			}
		}
		fmt.Fprintf(o.Progress, "%-4s %s started (logs in %s)\n", r.Name, strings.Join(Daemons, ", "), r.Dir)
	}
	rep, err := l.WaitConverged(ctx, cfgs, o.Timeout)
	if err != nil {
		if rep != nil {
			rep.Write(o.Progress)
		}
		if o.KeepOnFailure && ctx.Err() == nil {
			fmt.Fprintf(o.Progress, "processes left running (--keep-on-failure); vltgw lab down --run-dir %s stops them\n", o.RunDir)
			return l, rep, err
		}
		return fail(err)
	}
	return l, rep, nil
}

func (l *Lab) start(r SwitchRun, name string, argv []string) (*Proc, error) {
	p, err := startProc(r.Name, name, argv, filepath.Join(r.Dir, name+".log"))
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.State.Processes = append(l.State.Processes, p)
	l.mu.Unlock()
	return p, l.save()
}

func (l *Lab) startRedis(ctx context.Context, r SwitchRun) error {
	p, err := l.start(r, "redis", []string{l.opts.RedisServer, "--port", "0", "--unixsocket", r.RedisSocket,
		"--unixsocketperm", "700", "--notify-keyspace-events", "AKE", "--save", "", "--appendonly", "no",
		"--dir", r.Dir, "--databases", "16"})
	if err != nil {
		return err
	}
	c := redis.NewClient(&redis.Options{Network: "unix", Addr: r.RedisSocket, MaxRetries: -1})
	defer c.Close()
	return waitFor(ctx, 10*time.Second, p, func() bool {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		return c.Ping(pctx).Err() == nil
	})
}

func (l *Lab) startVSD(ctx context.Context, r SwitchRun) error {
	p, err := l.start(r, "vsd", []string{filepath.Join(l.opts.BinDir, "vsd"), "--config", r.Platform,
		"--socket", r.HALSocket, "--control-socket", r.ControlSocket, "--log-level", l.opts.LogLevel})
	if err != nil {
		return err
	}
	return waitFor(ctx, 10*time.Second, p, func() bool {
		for _, s := range []string{r.HALSocket, r.ControlSocket} {
			if st, err := os.Stat(s); err != nil || st.Mode()&os.ModeSocket == 0 {
				return false
			}
		}
		return true
	})
}

// waitFor polls ready until it holds, p exits, d passes or ctx ends.
func waitFor(ctx context.Context, d time.Duration, p *Proc, ready func() bool) error {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !ready() {
		if !p.Alive() {
			return fmt.Errorf("%s exited at start (%s)%s", p, p.ExitStatus(), logTail(p.Log, 8))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("%s not ready after %s%s", p, d, logTail(p.Log, 8))
		case <-tick.C:
		}
	}
	return nil
}

// logTail returns the last n lines of a log, indented, for error messages.
func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "; last lines of " + path + ":\n    " + strings.Join(lines, "\n    ")
}

// loadConfig runs `vltgw config load` on the switch's redis.
func loadConfig(ctx context.Context, socket, path string) error {
	app := cli.New("vltgw")
	if err := cli.Builtin(app); err != nil {
		return err
	}
	var out, errb bytes.Buffer
	if code := app.Run(ctx, []string{"--socket", socket, "config", "load", path}, &out, &errb); code != 0 {
		return fmt.Errorf("%s", strings.TrimSpace(errb.String()))
	}
	return nil
}

func (l *Lab) save() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, err := json.MarshalIndent(&l.State, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(l.State.RunDir, StateFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// LoadState reads the state file of a run directory (for lab status and
// lab down in another process). The topology is re-read from the path the
// state names, when it still parses.
func LoadState(runDir string) (*Lab, error) {
	b, err := os.ReadFile(filepath.Join(runDir, StateFile))
	if err != nil {
		return nil, err
	}
	l := &Lab{}
	if err := json.Unmarshal(b, &l.State); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(runDir, StateFile), err)
	}
	l.opts.defaults()
	if t, err := LoadTopology(l.State.Topology); err == nil {
		l.Topo = t
	}
	return l, nil
}

func (l *Lab) procs() []*Proc {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*Proc(nil), l.State.Processes...)
}

func (l *Lab) aliveProcs() []*Proc {
	var out []*Proc
	for _, p := range l.procs() {
		if p.Alive() {
			out = append(out, p)
		}
	}
	return out
}

// Run returns a switch's run information.
func (l *Lab) Run(name string) (SwitchRun, bool) {
	for _, r := range l.State.Switches {
		if r.Name == name {
			return r, true
		}
	}
	return SwitchRun{}, false
}

// ProcStatus is one process's liveness.
type ProcStatus struct {
	*Proc
	Alive bool `json:"alive"`
}

// Processes reports every started process, alive or dead.
func (l *Lab) Processes() []ProcStatus {
	var out []ProcStatus
	for _, p := range l.procs() {
		out = append(out, ProcStatus{Proc: p, Alive: p.Alive()})
	}
	return out
}

// Down stops every process the lab started, by PID: the daemons first
// (pgwlldpd, cfgmgrd, orchagent, syncd, then vsd; every switch at once),
// redis-server last; SIGTERM, then SIGKILL after the grace period. Then it
// removes the sockets, generated files and the state file; with purge also
// the logs and the run directory.
func (l *Lab) Down(ctx context.Context, purge bool) error {
	procs := l.procs()
	var errs []error
	for _, name := range append(reversed(Daemons), "redis") {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, p := range procs {
			if p.Name != name {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				killed, err := p.Stop(ctx, l.opts.Grace)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				} else if killed {
					fmt.Fprintf(l.opts.Progress, "%s did not stop on SIGTERM within %s; killed\n", p, l.opts.Grace)
				}
			}()
		}
		wg.Wait()
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return l.cleanup(purge)
}

// cleanup removes what a stopped lab leaves besides logs: the hosts'
// namespaces and veths it created, sockets, generated files and, when
// all is gone, the state file.
func (l *Lab) cleanup(purge bool) error {
	if err := l.removeHosts(); err != nil {
		_ = l.save() // remember what is left for the next lab down
		return err
	}
	for _, r := range l.State.Switches {
		for _, f := range []string{r.RedisSocket, r.HALSocket, r.ControlSocket, r.Platform} {
			_ = os.Remove(f)
		}
		if purge {
			_ = os.RemoveAll(r.Dir)
		}
	}
	_ = os.Remove(filepath.Join(l.State.RunDir, StateFile))
	if purge {
		_ = os.Remove(l.State.RunDir) // only when empty
	}
	return nil
}

// Proc returns the latest process of a switch by name (redis, vsd,
// syncd, orchagent, cfgmgrd, pgwlldpd).
func (l *Lab) Proc(sw, name string) (*Proc, bool) {
	procs := l.procs()
	for i := len(procs) - 1; i >= 0; i-- {
		if procs[i].Switch == sw && procs[i].Name == name {
			return procs[i], true
		}
	}
	return nil, false
}

// Restart stops one process of a switch (SIGTERM, then SIGKILL after the
// grace period) and starts it again with the same command line; its log
// continues. The new process replaces the old one in the state file. A
// restarted redis-server is empty: the switch's config_db.json is loaded
// again.
func (l *Lab) Restart(ctx context.Context, sw, name string) (*Proc, error) {
	old, ok := l.Proc(sw, name)
	if !ok {
		return nil, fmt.Errorf("lab %s: switch %s has no process %s", l.State.Name, sw, name)
	}
	r, _ := l.Run(sw)
	if _, err := old.Stop(ctx, l.opts.Grace); err != nil {
		return nil, err
	}
	switch name {
	case "vsd":
		_ = os.Remove(r.HALSocket)
		_ = os.Remove(r.ControlSocket)
	case "redis":
		_ = os.Remove(r.RedisSocket)
	}
	p, err := l.start(r, name, old.Argv)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	for i, q := range l.State.Processes {
		if q == old {
			l.State.Processes = append(l.State.Processes[:i:i], l.State.Processes[i+1:]...)
			break
		}
	}
	l.mu.Unlock()
	if err := l.save(); err != nil {
		return p, err
	}
	switch name {
	case "vsd":
		err = waitFor(ctx, 10*time.Second, p, func() bool {
			_, e1 := os.Stat(r.HALSocket)
			_, e2 := os.Stat(r.ControlSocket)
			return e1 == nil && e2 == nil
		})
	case "redis": // a fresh, empty server: CONFIG_DB is loaded again
		c := redis.NewClient(&redis.Options{Network: "unix", Addr: r.RedisSocket, MaxRetries: -1})
		defer c.Close()
		err = waitFor(ctx, 10*time.Second, p, func() bool { return c.Ping(ctx).Err() == nil })
		if err == nil {
			err = loadConfig(ctx, r.RedisSocket, r.Config)
		}
	}
	return p, err
}

// StopSwitch stops every process of one switch (a node failure): its
// daemons, then vsd (its cables go dark: the far ends see the carrier
// drop), then redis-server.
func (l *Lab) StopSwitch(ctx context.Context, sw string) error {
	var errs []error
	for _, name := range append(reversed(Daemons), "redis") {
		for _, p := range l.procs() {
			if p.Switch == sw && p.Name == name {
				if _, err := p.Stop(ctx, l.opts.Grace); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}

func reversed(s []string) []string {
	out := make([]string, 0, len(s))
	for i := len(s) - 1; i >= 0; i-- {
		out = append(out, s[i])
	}
	return out
}

// Watch reports, once each, the processes that exit while the lab runs,
// until ctx ends.
func (l *Lab) Watch(ctx context.Context, w io.Writer) {
	reported := map[*Proc]bool{}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		for _, p := range l.procs() {
			if !reported[p] && !p.Alive() {
				reported[p] = true
				fmt.Fprintf(w, "%s exited (%s)%s\n", p, p.ExitStatus(), logTail(p.Log, 5))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// SetGrace sets the SIGTERM → SIGKILL delay of Down.
func (l *Lab) SetGrace(d time.Duration) {
	if d > 0 {
		l.opts.Grace = d
	}
}

// SetProgress sets where Down reports.
func (l *Lab) SetProgress(w io.Writer) {
	if w != nil {
		l.opts.Progress = w
	}
}
