package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/vltgw/vltgw/cli"
)

// Register adds `vltgw lab up|down|status|demo` to app. The commands run
// `show vlt proxy-gateway` through app itself, when it has that command.
func Register(app *cli.App) error {
	var (
		bin, runDir, redisServer, logLevel string
		hostsMode                          string
		timeout, grace, softGrace          time.Duration
		foreground, demo, purge, keep      bool
	)
	runDirFlag := func(fs *flag.FlagSet) {
		fs.StringVar(&runDir, "run-dir", filepath.Join("run", "lab"), "directory of the lab's sockets, logs and state file")
	}
	graceFlag := func(fs *flag.FlagSet) {
		fs.DurationVar(&grace, "grace", 5*time.Second, "time between SIGTERM and SIGKILL when stopping a process")
	}
	return app.RegisterAll(
		cli.Command{Path: "lab up", Args: "<topology.yaml>",
			Summary: "start a multi-switch lab (redis + vsd + daemons per switch), load configs, wait for convergence",
			Flags: func(fs *flag.FlagSet) {
				runDirFlag(fs)
				graceFlag(fs)
				fs.StringVar(&bin, "bin", "", "directory of vsd, syncd, orchagent, cfgmgrd, pgwlldpd (default: beside vltgw, else ./bin)")
				fs.StringVar(&redisServer, "redis-server", "redis-server", "redis-server binary")
				fs.StringVar(&logLevel, "log-level", "info", "daemons' log level")
				fs.DurationVar(&timeout, "timeout", 60*time.Second, "how long to wait for convergence")
				fs.DurationVar(&softGrace, "soft-grace", 10*time.Second, "how long to keep waiting for checks of parts that may not be built yet (MY_MAC orch) once the rest converged")
				fs.BoolVar(&foreground, "foreground", false, "stay up until interrupted (Ctrl-C), then stop the lab")
				fs.BoolVar(&demo, "demo", false, "run the guided VM-migration demo once converged")
				fs.BoolVar(&keep, "keep-on-failure", false, "leave the processes running when the lab does not converge")
				fs.StringVar(&hostsMode, "hosts-mode", "", "override the topology's hosts_mode: auto (netns as root with ip, else simulated), netns or simulated")
			},
			Run: func(ctx context.Context, env *cli.Env, args []string) error {
				t, path, err := topologyArg(args, true)
				if err != nil {
					return err
				}
				progress := env.Stdout
				if env.JSON() {
					progress = env.Stderr
				}
				l, rep, err := Up(ctx, t, path, Options{BinDir: bin, RedisServer: redisServer, RunDir: runDir,
					Timeout: timeout, Grace: grace, LogLevel: logLevel, Progress: progress, KeepOnFailure: keep, SoftGrace: softGrace, HostsMode: hostsMode})
				if err != nil {
					return err
				}
				if err := writeReport(ctx, app, env, l, rep); err != nil {
					return err
				}
				var demoErr error
				if demo {
					_, demoErr = Demo(ctx, l, progress)
				}
				if !foreground {
					if demoErr == nil {
						fmt.Fprintf(progress, "\nlab %s is up; `vltgw lab status` / `vltgw lab down` (run dir %s)\n", t.Name, l.State.RunDir)
					}
					return demoErr
				}
				if demoErr != nil {
					fmt.Fprintln(env.Stderr, demoErr)
				}
				fmt.Fprintf(progress, "\nlab %s is up; Ctrl-C stops it\n", t.Name)
				l.Watch(ctx, progress)
				fmt.Fprintf(progress, "\nstopping lab %s\n", t.Name)
				stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				if err := l.Down(stopCtx, false); err != nil {
					return err
				}
				fmt.Fprintf(progress, "stopped cleanly\n")
				return demoErr
			}},
		cli.Command{Path: "lab down", Args: "[topology.yaml]",
			Summary: "stop every process the lab started (by PID) and remove its sockets and state",
			Flags: func(fs *flag.FlagSet) {
				runDirFlag(fs)
				graceFlag(fs)
				fs.BoolVar(&purge, "purge", false, "also remove the logs and the run directory")
			},
			Run: func(ctx context.Context, env *cli.Env, args []string) error {
				l, err := loadRunning(args, runDir)
				if err != nil {
					return err
				}
				l.SetGrace(grace)
				l.SetProgress(env.Stdout)
				n := len(l.aliveProcs())
				hosts := l.State.Hosts
				if err := l.Down(ctx, purge); err != nil {
					return err
				}
				if env.JSON() {
					return json.NewEncoder(env.Stdout).Encode(map[string]any{"lab": l.State.Name, "stopped": n})
				}
				if len(hosts) > 0 {
					fmt.Fprintf(env.Stdout, "lab %s: removed the network namespaces and veths of hosts", l.State.Name)
					for _, h := range hosts {
						fmt.Fprintf(env.Stdout, " %s (%s, %s)", h.Name, h.Netns, h.Veth)
					}
					fmt.Fprintln(env.Stdout)
				}
				_, err = fmt.Fprintf(env.Stdout, "lab %s: stopped %d processes\n", l.State.Name, n)
				return err
			}},
		cli.Command{Path: "lab status", Args: "[topology.yaml]",
			Summary: "report each lab process alive or dead, and each switch's convergence checks",
			Flags:   runDirFlag,
			Run: func(ctx context.Context, env *cli.Env, args []string) error {
				l, err := loadRunning(args, runDir)
				if err != nil {
					return err
				}
				procs := l.Processes()
				rep := l.Inspect(ctx, nil)
				dead := 0
				for _, p := range procs {
					if !p.Alive {
						dead++
					}
				}
				if env.JSON() {
					if err := json.NewEncoder(env.Stdout).Encode(map[string]any{"lab": l.State.Name, "processes": procs, "switches": rep.Switches,
						"hosts_mode": l.State.HostsMode, "hosts": l.State.Hosts}); err != nil {
						return err
					}
				} else {
					fmt.Fprintf(env.Stdout, "lab %s (%s), started %s, run dir %s\n", l.State.Name, l.State.Topology,
						l.State.Started.Local().Format(time.RFC3339), l.State.RunDir)
					fmt.Fprintf(env.Stdout, "%-6s %-10s %-8s %-6s %s\n", "switch", "process", "pid", "state", "log")
					for _, p := range procs {
						st := "alive"
						if !p.Alive {
							st = "DEAD"
						}
						fmt.Fprintf(env.Stdout, "%-6s %-10s %-8d %-6s %s\n", p.Switch, p.Name, p.PID, st, p.Log)
					}
					if l.State.HostsMode != "" {
						fmt.Fprintf(env.Stdout, "hosts: %s\n", l.State.HostsMode)
					}
					for _, h := range l.State.Hosts {
						fmt.Fprintf(env.Stdout, "  %-4s netns %s, %s %s at %s (veth %s); e.g. ip netns exec %s ip addr\n",
							h.Name, h.Netns, h.Ifname, h.IP, h.At, h.Veth, h.Netns)
					}
					rep.Write(env.Stdout)
				}
				if dead > 0 {
					return fmt.Errorf("%d of %d processes dead", dead, len(procs))
				}
				return nil
			}},
		cli.Command{Path: "lab demo", Args: "[topology.yaml]",
			Summary: "guided demo on a running lab: the migrated VM's frame is routed locally, not across the interconnect",
			Flags:   runDirFlag,
			Run: func(ctx context.Context, env *cli.Env, args []string) error {
				l, err := loadRunning(args, runDir)
				if err != nil {
					return err
				}
				if !env.JSON() {
					_, err = Demo(ctx, l, env.Stdout)
					return err
				}
				results, err := Demo(ctx, l, io.Discard)
				type seenJSON struct {
					Port  string `json:"port"`
					Frame string `json:"frame"`
				}
				var out []map[string]any
				for _, r := range results {
					var egress []seenJSON
					for _, s := range r.Egress {
						egress = append(egress, seenJSON{s.At.String(), s.Frame.String()})
					}
					res := map[string]any{"case": r.Case, "ok": r.OK(), "sent": r.Sent.String(),
						"routed_my_mac": r.RoutedMyMAC, "egress": egress, "problems": r.Problems}
					if r.Received != nil {
						res["received"] = map[string]any{"from": r.Received.From.String(), "ttl": r.Received.TTL, "payload": string(r.Received.Payload)}
						res["ping_ok"] = r.PingErr == nil
					}
					out = append(out, res)
				}
				if jerr := json.NewEncoder(env.Stdout).Encode(map[string]any{"lab": l.State.Name, "results": out}); jerr != nil {
					return jerr
				}
				return err
			}},
	)
}

// topologyArg loads the topology named by the only argument.
func topologyArg(args []string, required bool) (*Topology, string, error) {
	if len(args) > 1 || (required && len(args) == 0) {
		return nil, "", fmt.Errorf("%w: want one topology file, e.g. lab/square-vlt.yaml", cli.ErrUsage)
	}
	if len(args) == 0 {
		return nil, "", nil
	}
	t, err := LoadTopology(args[0])
	return t, args[0], err
}

// loadRunning reads the run directory's state; a topology argument must
// name the lab that runs there.
func loadRunning(args []string, runDir string) (*Lab, error) {
	t, _, err := topologyArg(args, false)
	if err != nil {
		return nil, err
	}
	l, err := LoadState(runDir)
	if err != nil {
		return nil, fmt.Errorf("no lab state in %s (is a lab up? see --run-dir): %w", runDir, err)
	}
	if t != nil && t.Name != l.State.Name {
		return nil, fmt.Errorf("run dir %s holds lab %q, not %q", runDir, l.State.Name, t.Name)
	}
	return l, nil
}

// writeReport prints the convergence report and each switch's
// `show vlt proxy-gateway` (when app has the command).
func writeReport(ctx context.Context, app *cli.App, env *cli.Env, l *Lab, rep *Report) error {
	if env.JSON() {
		out := map[string]any{"lab": l.State.Name, "run_dir": l.State.RunDir, "switches": rep.Switches}
		pg := map[string]json.RawMessage{}
		for _, r := range l.State.Switches {
			if b, ok := ShowProxyGateway(ctx, app, r.RedisSocket, true); ok && json.Valid(b) {
				pg[r.Name] = b
			}
		}
		if len(pg) > 0 {
			out["proxy_gateway"] = pg
		}
		return json.NewEncoder(env.Stdout).Encode(out)
	}
	fmt.Fprintln(env.Stdout)
	rep.Write(env.Stdout)
	if len(l.State.Switches) > 0 {
		r := l.State.Switches[len(l.State.Switches)-1]
		fmt.Fprintf(env.Stdout, "\ntalk to a switch (here %s; logs in %s):\n", r.Name, r.Dir)
		fmt.Fprintf(env.Stdout, "  vltgw --socket %s show vlt proxy-gateway\n", r.RedisSocket)
		fmt.Fprintf(env.Stdout, "  redis-cli -s %s -n 1 keys 'ASIC_STATE:SAI_OBJECT_TYPE_MY_MAC:*'\n", r.RedisSocket)
	}
	if len(l.State.Hosts) > 0 {
		fmt.Fprintf(env.Stdout, "\nhosts are network namespaces; e.g.\n")
		for i, h := range l.State.Hosts {
			other := l.State.Hosts[(i+1)%len(l.State.Hosts)]
			fmt.Fprintf(env.Stdout, "  ip netns exec %s ping -c1 %s   # %s (at %s) -> %s\n", h.Netns, other.Addr(), h.Name, h.At, other.Name)
		}
	}
	for _, r := range l.State.Switches {
		b, ok := ShowProxyGateway(ctx, app, r.RedisSocket, false)
		if !ok {
			fmt.Fprintf(env.Stdout, "\n(%s: `vltgw show vlt proxy-gateway` is not in this build)\n", r.Name)
			break
		}
		fmt.Fprintf(env.Stdout, "\n--- %s: vltgw show vlt proxy-gateway\n%s", r.Name, indent(b))
	}
	return nil
}

// ShowProxyGateway runs `show vlt proxy-gateway` on a switch through app.
// ok is false when app has no such command.
func ShowProxyGateway(ctx context.Context, app *cli.App, socket string, asJSON bool) ([]byte, bool) {
	if app == nil {
		return nil, false
	}
	args := []string{"--socket", socket}
	if asJSON {
		args = append(args, "-o", "json")
	}
	args = append(args, "show", "vlt", "proxy-gateway")
	var out, errb bytes.Buffer
	code := app.Run(ctx, args, &out, &errb)
	if code == 2 && (strings.Contains(errb.String(), "unknown command") || strings.Contains(errb.String(), "needs a subcommand")) {
		return nil, false
	}
	if code != 0 {
		return append(out.Bytes(), errb.Bytes()...), true
	}
	return out.Bytes(), true
}

func indent(b []byte) string {
	s := strings.TrimRight(string(b), "\n")
	if s == "" {
		return ""
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ") + "\n"
}
