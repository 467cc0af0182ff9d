// Command pgwbench measures the latency of the LLDP proxy-gateway exchange
// (spec §5) end to end, on real processes: two switches of one VLT domain
// each (pair/pair.yaml: A in domain 1, B in domain 2, their eVLT member
// ports Ethernet8 on a vs UDP wire), each with redis-server, vsd, syncd,
// orchagent, cfgmgrd and pgwlldpd, started by package lab.
//
// "In the platform" means vsd's HAL List of MY_MAC objects (the bench's own
// HAL client on B's socket, polled every -poll) holds the entries; a
// figure ends when the List call that first shows the wanted set returns
// (so it includes at most one List round trip, reported as the probe's
// floor, pgw_probe_hal_list).
//
// Figures (p50/p99 over -n samples each):
//
//   - pgw_tlv_to_mymac: an LLDPDU from a new neighbour of B (on B's member
//     port Ethernet8, carrying one new MAC) → the MAC's MY_MAC entries (one
//     per L3 VLAN not excluded: 2) in B's platform. Start: immediately
//     before the vs control Inject of that frame at B:Ethernet8 (it enters
//     B's ingress pipeline as if it came off the wire, is trapped and punted
//     to pgwlldpd over HAL PacketIO). Target: p99 < 10 ms.
//   - pgw_tlv_received_to_mymac: the same samples from the moment the
//     platform punted the LLDPDU to the CPU (seen on the bench's own
//     PacketIO stream: vsd sends each punted frame to every stream, so this
//     is when pgwlldpd's copy left vsd).
//   - pgw_shutdown_to_withdrawn: the same neighbour's shutdown LLDPDU (TTL
//     0) → its entries gone from B's platform (informational).
//   - pgw_linkdown_to_withdrawn: B's member port pulled (vs SetLink
//     Ethernet8 down; start immediately before the call) → every learned
//     MY_MAC entry (A's MAC and A's VLT peer's, 4 entries) gone from B's
//     platform; the entries of B's own VLT peer's MAC (peer routing) stay.
//     Target: < 50 ms (held to p99 here).
//   - pgw_linkdown_remote_to_withdrawn: the same pull seen from A (its
//     carrier drops when B's end goes down) → B's MAC gone from A's
//     platform (informational).
//   - pgw_linkup_to_relearned: the port back up → both sides relearned
//     (carrier, LLDPDU at port up rate-limited to one per second per port:
//     informational).
//
// With -stages (default on), where the time goes for the targeted figures:
// per hop, the p50 over the samples and the value in the worst sample of
// when it was first seen after the start — the punt (PacketIO), and keyspace
// events of B's redis: STATE_DB PORT_TABLE|Ethernet8 (orchagent: port oper
// status; link down), APP_DB VLT_PROXY_GW_LEARNED_MAC_TABLE_KEY_SET
// (pgwlldpd published), APP_DB VLT_PROXY_GW_LEARNED_MAC_TABLE:2:* (orchagent
// popped), ASIC_DB ASIC_STATE_KEY_VALUE_OP_QUEUE LPUSH (orchagent sent the
// bulk) and LTRIM (syncd popped it), ASIC_DB ASIC_STATE:SAI_OBJECT_TYPE_MY_MAC:*
// (syncd, after the HAL write), GETRESPONSE LPUSH (syncd's reply). "First"
// is literal: on link down, orchagent's first bulk may carry other objects.
// The machine's CPU use during the samples is printed too: on a shared
// 2-CPU machine the tail is scheduling, not work.
//
// Output (scripts/bench.sh format), one figure per line, and # comments:
//
//	BENCH <name> <value> <unit>
//
//	go run ./cmd/pgwbench [-n 50] [-bin dir] [-poll 200us] [-stages=true] [-v] [-keep-logs]
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/hal/halclient"
	"github.com/vltgw/vltgw/lab"
	"github.com/vltgw/vltgw/lldp"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
	"github.com/vltgw/vltgw/swss"
)

//go:embed pair
var pairFS embed.FS

// Targets (issue 8).
const (
	targetTLV      = 10 * time.Millisecond
	targetLinkDown = 50 * time.Millisecond
)

const (
	member   = "Ethernet8"
	macA     = "00:01:e8:00:00:0a"
	macAPeer = "00:01:e8:00:00:0b" // A's VLT peer; A transmits it (vlt_peer_mac_transmit)
	macB     = "00:01:e8:00:01:0a"
)

type options struct {
	n        int
	bin      string
	runDir   string
	logLevel string
	poll     time.Duration
	settle   time.Duration
	stages   bool
	keep     bool
	verbose  bool
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 50, "samples per figure")
	flag.StringVar(&o.bin, "bin", "", "directory of vsd, syncd, orchagent, cfgmgrd, pgwlldpd (default: built into a temporary directory)")
	flag.StringVar(&o.runDir, "run-dir", "", "the lab's run directory (default: a temporary one, removed at the end)")
	flag.StringVar(&o.logLevel, "log-level", "warn", "the daemons' log level (logs in the run directory)")
	flag.DurationVar(&o.poll, "poll", 200*time.Microsecond, "pause between two HAL List probes of the platform")
	flag.DurationVar(&o.settle, "settle", 50*time.Millisecond, "pause between samples")
	flag.BoolVar(&o.stages, "stages", true, "print where the time goes (p50 per hop, from redis keyspace events)")
	flag.BoolVar(&o.keep, "keep-logs", false, "keep the run directory (daemon logs) at the end")
	flag.BoolVar(&o.verbose, "v", false, "report the lab's start-up on stderr")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pgwbench:", err)
		fmt.Println("BENCH pgw_tlv_to_mymac error: " + strings.ReplaceAll(err.Error(), "\n", " "))
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, out io.Writer) error {
	if o.n < 1 {
		return errors.New("-n must be at least 1")
	}
	tmp, err := os.MkdirTemp("", "pgwbench-")
	if err != nil {
		return err
	}
	defer func() {
		if !o.keep {
			os.RemoveAll(tmp)
		} else {
			fmt.Fprintf(os.Stderr, "pgwbench: logs kept in %s\n", tmp)
		}
	}()
	progress := io.Discard
	if o.verbose {
		progress = os.Stderr
	}
	if o.bin == "" {
		if o.bin, err = buildDaemons(ctx, filepath.Join(tmp, "bin"), progress); err != nil {
			return err
		}
	}
	topoDir := filepath.Join(tmp, "topo")
	if err := writeTopology(topoDir); err != nil {
		return err
	}
	topoPath := filepath.Join(topoDir, "pair.yaml")
	topo, err := lab.LoadTopology(topoPath)
	if err != nil {
		return err
	}
	if o.runDir == "" {
		o.runDir = filepath.Join(tmp, "lab")
	}
	l, _, err := lab.Up(ctx, topo, topoPath, lab.Options{BinDir: o.bin, RunDir: o.runDir, Timeout: 60 * time.Second,
		SoftGrace: time.Second, Grace: 3 * time.Second, LogLevel: o.logLevel, Progress: progress})
	if err != nil {
		return fmt.Errorf("lab up: %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := l.Down(stopCtx, false); err != nil {
			fmt.Fprintln(os.Stderr, "pgwbench: lab down:", err)
		}
	}()
	a, err := openSwitch(ctx, l, "A")
	if err != nil {
		return err
	}
	defer a.close()
	b, err := openSwitch(ctx, l, "B")
	if err != nil {
		return err
	}
	defer b.close()
	pr, err := startProbe(ctx, b.run.RedisSocket)
	if err != nil {
		return err
	}
	defer pr.close()
	if err := pr.watchPunts(ctx, b.hal); err != nil {
		return err
	}
	bench := &bench{o: o, a: a, b: b, probe: pr, out: out}
	return bench.run(ctx)
}

// buildDaemons builds the lab's daemons into dir.
func buildDaemons(ctx context.Context, dir string, progress io.Writer) (string, error) {
	fmt.Fprintf(progress, "pgwbench: building %s into %s\n", strings.Join(lab.Daemons, ", "), dir)
	if err := lab.BuildDaemons(ctx, dir); err != nil {
		return "", err
	}
	return dir, nil
}

// writeTopology writes the embedded pair topology and configs to dir.
func writeTopology(dir string) error {
	return fs.WalkDir(pairFS, "pair", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, strings.TrimPrefix(path, "pair"))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := pairFS.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
}

// sw is one switch of the lab: its HAL (the platform), its vs control
// service and the MY_MAC sets it should hold.
type sw struct {
	name    string
	run     lab.SwitchRun
	cfg     *lab.SwitchConfig
	hal     *halclient.Client
	ctl     vsv1.VsControlClient
	closers []func() error
}

func openSwitch(ctx context.Context, l *lab.Lab, name string) (*sw, error) {
	r, ok := l.Run(name)
	if !ok {
		return nil, fmt.Errorf("no switch %s", name)
	}
	cfg, err := lab.LoadSwitchConfig(r.Config)
	if err != nil {
		return nil, err
	}
	s := &sw{name: name, run: r, cfg: cfg}
	if s.hal, err = halclient.Dial(ctx, halclient.Options{Address: r.HALSocket, Client: "pgwbench"}); err != nil {
		return nil, fmt.Errorf("%s HAL: %w", name, err)
	}
	s.closers = append(s.closers, s.hal.Close)
	ctl, closeCtl, err := l.Control(name)
	if err != nil {
		s.close()
		return nil, err
	}
	s.ctl, s.closers = ctl, append(s.closers, closeCtl)
	return s, nil
}

func (s *sw) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// desired is the MY_MAC set with the given remote MACs learned.
func (s *sw) desired(remote ...string) map[lab.MyMAC]bool {
	excl := s.cfg.ProxyGateway().Exclude
	m := map[string][]int{}
	for _, r := range remote {
		m[r] = excl
	}
	return lab.ExpectedMyMAC(s.cfg, m)
}

// platform lists the MY_MAC objects vsd holds.
func (s *sw) platform(ctx context.Context) (map[lab.MyMAC]bool, error) {
	objs, err := s.hal.List(ctx, halv1.ObjectType_OBJECT_TYPE_MY_MAC)
	if err != nil {
		return nil, err
	}
	out := make(map[lab.MyMAC]bool, len(objs))
	for _, o := range objs {
		var m lab.MyMAC
		for _, a := range o.GetAttrs() {
			switch a.GetId() {
			case "SAI_MY_MAC_ATTR_MAC_ADDRESS":
				m.MAC = net.HardwareAddr(a.GetMac()).String()
			case "SAI_MY_MAC_ATTR_VLAN_ID":
				switch v := a.GetValue().(type) {
				case *halv1.Attribute_U32:
					m.VLAN = int(v.U32)
				case *halv1.Attribute_S32:
					m.VLAN = int(v.S32)
				}
			}
		}
		out[m] = true
	}
	return out, nil
}

func same(a, b map[lab.MyMAC]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func setString(s map[lab.MyMAC]bool) string {
	var out []string
	for m := range s {
		out = append(out, m.String())
	}
	sort.Strings(out)
	return "{" + strings.Join(out, " ") + "}"
}

// waitPlatforms probes each switch's platform until it holds its wanted
// set and returns, per switch, the time since start when the List call
// that first showed it returned (the figure) and when the List call before
// it, which did not show it yet, was issued (so the platform got there in
// between: the probe's resolution, which a stalled probe makes wide).
func waitPlatforms(ctx context.Context, start time.Time, poll time.Duration, sws []*sw, wants []map[lab.MyMAC]bool) (took, lo []time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	took, lo = make([]time.Duration, len(sws)), make([]time.Duration, len(sws))
	for {
		done := true
		var last []string
		for i, s := range sws {
			if took[i] != 0 {
				continue
			}
			issued := time.Since(start)
			have, err := s.platform(ctx)
			if err != nil {
				return nil, nil, fmt.Errorf("%s HAL List: %w", s.name, err)
			}
			if same(have, wants[i]) {
				took[i] = time.Since(start)
				continue
			}
			lo[i] = issued
			done = false
			last = append(last, fmt.Sprintf("%s holds %s, want %s", s.name, setString(have), setString(wants[i])))
		}
		if done {
			return took, lo, nil
		}
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("platform not as wanted after %s: %s", time.Since(start).Round(time.Millisecond), strings.Join(last, "; "))
		case <-time.After(poll):
		}
	}
}

// probe records redis keyspace events of one switch's databases with the
// time they were received.
type probe struct {
	mu    sync.Mutex
	evs   []event
	subs  []*redis.PubSub
	dbs   []*swss.DB
	stops []context.CancelFunc
	wg    sync.WaitGroup
}

type event struct {
	at  time.Time
	db  string
	key string
	op  string
}

func startProbe(ctx context.Context, socket string) (*probe, error) {
	p := &probe{}
	for _, name := range []string{swss.ApplDB, swss.AsicDB, swss.StateDB} {
		db, err := swss.ConnectSocket(ctx, socket, name)
		if err != nil {
			p.close()
			return nil, err
		}
		p.dbs = append(p.dbs, db)
		prefix := fmt.Sprintf("__keyspace@%d__:", db.ID)
		ps := db.Client.PSubscribe(ctx, prefix+"*")
		if _, err := ps.Receive(ctx); err != nil {
			ps.Close()
			p.close()
			return nil, fmt.Errorf("keyspace subscription of %s: %w", name, err)
		}
		p.subs = append(p.subs, ps)
		ch := ps.Channel(redis.WithChannelSize(4096))
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for m := range ch {
				now := time.Now()
				p.mu.Lock()
				p.evs = append(p.evs, event{at: now, db: name, key: strings.TrimPrefix(m.Channel, prefix), op: m.Payload})
				p.mu.Unlock()
			}
		}()
	}
	return p, nil
}

// watchPunts records, as event (db "hal", key "punt"), every frame the
// platform punts to the CPU: the platform sends each to every PacketIO
// stream, so this is when pgwlldpd's copy leaves vsd too.
func (p *probe) watchPunts(ctx context.Context, hal *halclient.Client) error {
	ctx, cancel := context.WithCancel(ctx)
	stream, err := hal.PacketIO(ctx)
	if err != nil {
		cancel()
		return err
	}
	p.stops = append(p.stops, cancel)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			in, err := stream.Recv()
			if err != nil {
				return
			}
			now := time.Now()
			if f := in.GetFrame(); len(f) >= 14 && f[12] == 0x88 && f[13] == 0xcc {
				p.mu.Lock()
				p.evs = append(p.evs, event{at: now, db: "hal", key: "punt", op: in.GetTrap()})
				p.mu.Unlock()
			}
		}
	}()
	return nil
}

func (p *probe) close() {
	for _, stop := range p.stops {
		stop()
	}
	for _, s := range p.subs {
		s.Close()
	}
	p.wg.Wait()
	for _, db := range p.dbs {
		db.Close()
	}
}

func (p *probe) reset() {
	p.mu.Lock()
	p.evs = p.evs[:0]
	p.mu.Unlock()
}

// first returns the time of the first event matching (db, key prefix, op) at
// or after start, relative to start; -1 when there is none.
func (p *probe) first(start time.Time, db, keyPrefix, op string) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.evs {
		if e.db == db && strings.HasPrefix(e.key, keyPrefix) && (op == "" || e.op == op) && !e.at.Before(start) {
			return e.at.Sub(start)
		}
	}
	return -1
}

// hop is one stage of the pipeline as seen in redis.
type hop struct {
	name, db, key string
	op            string // the keyspace event ("" = any)
}

var (
	hopPunt     = hop{"vsd: LLDPDU punted to the CPU (PacketIO, as pgwlldpd gets it)", "hal", "punt", ""}
	hopPortOper = hop{"orchagent: STATE_DB PORT_TABLE|Ethernet8 written (oper status)", swss.StateDB, "PORT_TABLE|" + member, ""}
	hopPublish  = hop{"pgwlldpd: APP_DB learned-MAC change published", swss.ApplDB, "VLT_PROXY_GW_LEARNED_MAC_TABLE_KEY_SET", ""}
	hopPop      = hop{"orchagent: learned-MAC row popped", swss.ApplDB, "VLT_PROXY_GW_LEARNED_MAC_TABLE:", ""}
	hopSend     = hop{"orchagent: bulk sent to syncd (ASIC_STATE queue LPUSH)", swss.AsicDB, "ASIC_STATE_KEY_VALUE_OP_QUEUE", "lpush"}
	hopSyncdPop = hop{"syncd: ASIC_STATE queue popped (LTRIM)", swss.AsicDB, "ASIC_STATE_KEY_VALUE_OP_QUEUE", "ltrim"}
	hopSyncd    = hop{"syncd: ASIC_DB MY_MAC written (after the HAL write)", swss.AsicDB, "ASIC_STATE:SAI_OBJECT_TYPE_MY_MAC:", ""}
	hopReply    = hop{"syncd: reply to orchagent (GETRESPONSE LPUSH)", swss.AsicDB, "GETRESPONSE_KEY_VALUE_OP_QUEUE", "lpush"}
)

var tlvHops = []hop{hopPunt, hopPublish, hopPop, hopSend, hopSyncdPop, hopSyncd, hopReply}

type bench struct {
	o     options
	a, b  *sw
	probe *probe
	out   io.Writer
}

// series is one figure's samples and, per sample, when each hop was first
// seen after the start.
type series struct {
	samples []time.Duration
	lo      []time.Duration // the List before the one that showed the set was issued
	hops    []hop
	at      []map[string]time.Duration
}

func newSeries(hops ...hop) *series { return &series{hops: hops} }

// add records a sample; the hops are read from the events recorded since
// start (call it after a pause, so that ASIC_DB writes syncd makes after
// the HAL write are in).
func (s *series) add(d, lo time.Duration, p *probe, start time.Time) {
	s.samples, s.lo = append(s.samples, d), append(s.lo, lo)
	at := map[string]time.Duration{}
	for _, h := range s.hops {
		if t := p.first(start, h.db, h.key, h.op); t >= 0 {
			at[h.name] = t
		}
	}
	s.at = append(s.at, at)
}

// hop returns every sample's time of one hop.
func (s *series) hop(name string) []time.Duration {
	var out []time.Duration
	for _, at := range s.at {
		if t, ok := at[name]; ok {
			out = append(out, t)
		}
	}
	return out
}

// since returns, per sample that saw the hop, the time from the hop to the
// end of the sample.
func (s *series) since(name string) []time.Duration {
	var out []time.Duration
	for i, at := range s.at {
		if t, ok := at[name]; ok {
			out = append(out, s.samples[i]-t)
		}
	}
	return out
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }

func (bn *bench) run(ctx context.Context) error {
	a, b, poll := bn.a, bn.b, bn.o.poll
	fullA, fullB := a.desired(macB), b.desired(macA, macAPeer)
	baseA, baseB := a.desired(), b.desired()
	if _, _, err := waitPlatforms(ctx, time.Now(), poll, []*sw{a, b}, []map[lab.MyMAC]bool{fullA, fullB}); err != nil {
		return fmt.Errorf("lab up: the platforms did not learn each other: %w", err)
	}

	// The probe's floor: one HAL List of B's MY_MAC objects.
	var list []time.Duration
	for range 200 {
		t0 := time.Now()
		if _, err := b.platform(ctx); err != nil {
			return err
		}
		list = append(list, time.Since(t0))
	}

	cpu0 := readCPU()
	// TLV received → MY_MAC in the platform, and shutdown → withdrawn.
	tlv, shut := newSeries(tlvHops...), newSeries(tlvHops...)
	chassis := lldp.MAC{0x02, 0x99, 0, 0, 0, 0x01}
	shutdown, err := lldp.Encode(&lldp.PDU{Src: chassis, ChassisID: lldp.ChassisMAC(chassis), PortID: lldp.PortName("bench0")})
	if err != nil {
		return err
	}
	for i := range bn.o.n {
		mac := lldp.MAC{0x02, 0x42, 0, 0, byte(i >> 8), byte(i)}
		frame, err := lldp.Encode(&lldp.PDU{Src: chassis, ChassisID: lldp.ChassisMAC(chassis), PortID: lldp.PortName("bench0"),
			TTL: 120, SystemName: "pgwbench", MACs: []lldp.MAC{mac}})
		if err != nil {
			return err
		}
		want := b.desired(macA, macAPeer, mac.String())
		if err := bn.sample(ctx, tlv, b, member, frame, want); err != nil {
			return fmt.Errorf("TLV sample %d: %w", i, err)
		}
		if err := bn.sample(ctx, shut, b, member, shutdown, fullB); err != nil {
			return fmt.Errorf("shutdown sample %d: %w", i, err)
		}
	}

	// Member link down → withdrawn (B local, A remote), then up → relearned.
	down := newSeries(hopPortOper, hopPublish, hopPop, hopSend, hopSyncdPop, hopSyncd, hopReply)
	var remote, relearn []time.Duration
	for i := range bn.o.n {
		if err := bn.pause(ctx); err != nil {
			return err
		}
		bn.probe.reset()
		start := time.Now()
		if _, err := b.ctl.SetLink(ctx, &vsv1.SetLinkRequest{Port: member, Up: false}); err != nil {
			return err
		}
		took, lo, err := waitPlatforms(ctx, start, poll, []*sw{b, a}, []map[lab.MyMAC]bool{baseB, baseA})
		if err != nil {
			return fmt.Errorf("link down sample %d: %w", i, err)
		}
		if err := bn.pause(ctx); err != nil {
			return err
		}
		down.add(took[0], lo[0], bn.probe, start)
		remote = append(remote, took[1])
		start = time.Now()
		if _, err := b.ctl.SetLink(ctx, &vsv1.SetLinkRequest{Port: member, Up: true}); err != nil {
			return err
		}
		took, _, err = waitPlatforms(ctx, start, poll, []*sw{b, a}, []map[lab.MyMAC]bool{fullB, fullA})
		if err != nil {
			return fmt.Errorf("link up sample %d: %w", i, err)
		}
		relearn = append(relearn, max(took[0], took[1]))
	}

	busy := readCPU().busySince(cpu0)
	w := bn.out
	fmt.Fprintf(w, "# pgwbench: two switches (A domain 1, B domain 2) on real processes, eVLT member Ethernet8 on a vs UDP wire; %d samples per figure\n", bn.o.n)
	if busy >= 0 {
		fmt.Fprintf(w, "# machine CPU busy during the samples: %.0f%% of %d CPUs (this lab's 12 processes and the bench included; the tail figures swell when other work fills the CPUs)\n", 100*busy, runtime.NumCPU())
	}
	fmt.Fprintf(w, "# platform = vsd HAL List of MY_MAC objects, probed every %s (floor: one List round trip below)\n", poll)
	fmt.Fprintf(w, "BENCH pgw_probe_hal_list_p50 %s ms\n", ms(percentile(list, 0.5)))
	printSeries(w, "pgw_tlv_to_mymac", tlv, targetTLV, bn.o.stages, "LLDPDU with a new MAC injected at B:Ethernet8 → its 2 MY_MAC entries in B's platform")
	received := tlv.since(hopPunt.name)
	fmt.Fprintf(w, "# pgw_tlv_received_to_mymac: the same, from the moment vsd punted the LLDPDU to the CPU (pgwlldpd's PacketIO)\n")
	fmt.Fprintf(w, "BENCH pgw_tlv_received_to_mymac_p50 %s ms\n", ms(percentile(received, 0.5)))
	fmt.Fprintf(w, "BENCH pgw_tlv_received_to_mymac_p99 %s ms\n", ms(percentile(received, 0.99)))
	printSeries(w, "pgw_shutdown_to_withdrawn", shut, 0, false, "")
	printSeries(w, "pgw_linkdown_to_withdrawn", down, targetLinkDown, bn.o.stages, "B:Ethernet8 pulled (vs SetLink) → A's and A''s 4 learned MY_MAC entries gone from B's platform")
	fmt.Fprintf(w, "BENCH pgw_linkdown_remote_to_withdrawn_p50 %s ms\n", ms(percentile(remote, 0.5)))
	fmt.Fprintf(w, "BENCH pgw_linkdown_remote_to_withdrawn_p99 %s ms\n", ms(percentile(remote, 0.99)))
	fmt.Fprintf(w, "BENCH pgw_linkup_to_relearned_p50 %s ms\n", ms(percentile(relearn, 0.5)))
	fmt.Fprintf(w, "BENCH pgw_linkup_to_relearned_p99 %s ms\n", ms(percentile(relearn, 0.99)))
	return nil
}

// cpuTimes is the first line of /proc/stat: idle (idle + iowait) and total
// jiffies.
type cpuTimes struct{ idle, total uint64 }

func readCPU() cpuTimes {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	var c cpuTimes
	for i, f := range strings.Fields(line)[1:] {
		var v uint64
		fmt.Sscan(f, &v)
		c.total += v
		if i == 3 || i == 4 {
			c.idle += v
		}
	}
	return c
}

// busySince is the busy fraction since c0, -1 when unknown.
func (c cpuTimes) busySince(c0 cpuTimes) float64 {
	if c.total <= c0.total {
		return -1
	}
	return 1 - float64(c.idle-c0.idle)/float64(c.total-c0.total)
}

func (bn *bench) pause(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(bn.o.settle):
		return nil
	}
}

// sample injects frame at s:port and times until s's platform holds want.
func (bn *bench) sample(ctx context.Context, ser *series, s *sw, port string, frame []byte, want map[lab.MyMAC]bool) error {
	if err := bn.pause(ctx); err != nil {
		return err
	}
	bn.probe.reset()
	start := time.Now()
	if _, err := s.ctl.Inject(ctx, &vsv1.InjectRequest{Port: port, Frame: frame}); err != nil {
		return err
	}
	took, lo, err := waitPlatforms(ctx, start, bn.o.poll, []*sw{s}, []map[lab.MyMAC]bool{want})
	if err != nil {
		return err
	}
	if err := bn.pause(ctx); err != nil {
		return err
	}
	ser.add(took[0], lo[0], bn.probe, start)
	return nil
}

func printSeries(w io.Writer, name string, s *series, target time.Duration, stages bool, what string) {
	p50, p99 := percentile(s.samples, 0.5), percentile(s.samples, 0.99)
	if what != "" {
		fmt.Fprintf(w, "# %s: %s\n", name, what)
	}
	fmt.Fprintf(w, "BENCH %s_p50 %s ms\n", name, ms(p50))
	fmt.Fprintf(w, "BENCH %s_p99 %s ms\n", name, ms(p99))
	if target > 0 {
		fmt.Fprintf(w, "BENCH %s_p99_target %s ms\n", name, ms(target))
		verdict := "met"
		if p99 >= target {
			verdict = "NOT met"
		}
		fmt.Fprintf(w, "# %s: p99 %s ms vs target < %s ms: %s (max %s ms)\n", name, ms(p99), ms(target), verdict, ms(percentile(s.samples, 1)))
	}
	if !stages {
		return
	}
	fmt.Fprintf(w, "# %s: where the time goes: when each hop was first seen after the start (B's redis keyspace events, B's PacketIO)\n", name)
	fmt.Fprintf(w, "#   %-9s %-9s %s\n", "p50 ms", "worst ms", "hop")
	worst := 0
	for i, d := range s.samples {
		if d > s.samples[worst] {
			worst = i
		}
	}
	for _, h := range s.hops {
		ds := s.hop(h.name)
		if len(ds) == 0 {
			continue
		}
		w50, wt := ms(percentile(ds, 0.5)), "-"
		if t, ok := s.at[worst][h.name]; ok {
			wt = ms(t)
		}
		fmt.Fprintf(w, "#   %-9s %-9s %s (%d/%d samples)\n", w50, wt, h.name, len(ds), len(s.samples))
	}
	fmt.Fprintf(w, "#   %-9s %-9s platform: HAL List shows the set (worst: reached after the List issued at %s ms)\n", ms(p50), ms(s.samples[worst]), ms(s.lo[worst]))
}
