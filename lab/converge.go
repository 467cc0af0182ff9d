package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss"
)

// Check is one convergence condition of a switch.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Soft checks depend on parts that may not exist yet (the
	// proxy-gateway MY_MAC orch); they are waited for a little, then
	// reported without failing.
	Soft bool `json:"soft,omitempty"`
}

// SwitchReport is a switch's state.
type SwitchReport struct {
	Name      string  `json:"name"`
	Domain    int     `json:"domain"`
	MAC       string  `json:"mac"`
	Processes string  `json:"processes"`
	Checks    []Check `json:"checks"`
}

// Converged reports whether every hard check holds.
func (s *SwitchReport) Converged() bool {
	for _, c := range s.Checks {
		if !c.OK && !c.Soft {
			return false
		}
	}
	return true
}

func (s *SwitchReport) settled() bool {
	for _, c := range s.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Report is the lab's state, one entry per switch.
type Report struct {
	Switches []*SwitchReport `json:"switches"`
}

// Converged reports whether every switch converged.
func (r *Report) Converged() bool {
	for _, s := range r.Switches {
		if !s.Converged() {
			return false
		}
	}
	return true
}

func (r *Report) settled() bool {
	for _, s := range r.Switches {
		if !s.settled() {
			return false
		}
	}
	return true
}

// Write prints the report as text.
func (r *Report) Write(w io.Writer) {
	for _, s := range r.Switches {
		state := "converged"
		if !s.Converged() {
			state = "NOT converged"
		}
		fmt.Fprintf(w, "switch %s (domain %d, %s): %s; processes %s\n", s.Name, s.Domain, s.MAC, state, s.Processes)
		for _, c := range s.Checks {
			mark := "ok  "
			switch {
			case !c.OK && c.Soft:
				mark = "warn"
			case !c.OK:
				mark = "FAIL"
			}
			fmt.Fprintf(w, "  [%s] %-14s %s\n", mark, c.Name, c.Detail)
		}
	}
}

// WaitConverged polls the switches until every check holds (soft checks
// get Options.SoftGrace after the hard ones), the timeout passes (error, with the
// last report) or ctx ends.
func (l *Lab) WaitConverged(ctx context.Context, cfgs map[string]*SwitchConfig, timeout time.Duration) (*Report, error) {
	deadline := time.Now().Add(timeout)
	var hardSince time.Time
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		rep := l.Inspect(ctx, cfgs)
		if dead := l.deadProcs(); len(dead) > 0 {
			var msgs []string
			for _, p := range dead {
				msgs = append(msgs, fmt.Sprintf("%s exited (%s)%s", p, p.ExitStatus(), logTail(p.Log, 6)))
			}
			return rep, fmt.Errorf("lab: %s", strings.Join(msgs, "\n"))
		}
		if rep.settled() {
			return rep, nil
		}
		if rep.Converged() {
			if hardSince.IsZero() {
				hardSince = time.Now()
			} else if time.Since(hardSince) > l.opts.SoftGrace {
				return rep, nil
			}
		} else {
			hardSince = time.Time{}
		}
		if time.Now().After(deadline) {
			return rep, fmt.Errorf("lab: not converged after %s (the report above shows what is missing)", timeout)
		}
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-tick.C:
		}
	}
}

func (l *Lab) deadProcs() []*Proc {
	var out []*Proc
	for _, p := range l.procs() {
		if !p.Alive() {
			out = append(out, p)
		}
	}
	return out
}

// Inspect reads every switch's databases and reports its checks. cfgs may
// be nil (they are loaded from the topology).
func (l *Lab) Inspect(ctx context.Context, cfgs map[string]*SwitchConfig) *Report {
	rep := &Report{}
	for _, r := range l.State.Switches {
		sr := &SwitchReport{Name: r.Name}
		alive, total := 0, 0
		var dead []string
		for _, p := range l.procs() {
			if p.Switch != r.Name {
				continue
			}
			total++
			if p.Alive() {
				alive++
			} else {
				dead = append(dead, p.Name)
			}
		}
		sr.Processes = fmt.Sprintf("%d/%d alive", alive, total)
		if len(dead) > 0 {
			sr.Processes += " (dead: " + strings.Join(dead, ", ") + ")"
		}
		rep.Switches = append(rep.Switches, sr)
		if l.Topo == nil {
			sr.Checks = append(sr.Checks, Check{Name: "topology", Detail: "topology file " + l.State.Topology + " unreadable"})
			continue
		}
		s, _ := l.Topo.Switch(r.Name)
		if s == nil {
			continue
		}
		sr.Domain, sr.MAC = s.Domain, s.MAC
		cfg := cfgs[r.Name]
		if cfg == nil {
			var err error
			if cfg, err = LoadSwitchConfig(r.Config); err != nil {
				sr.Checks = append(sr.Checks, Check{Name: "config", Detail: err.Error()})
				continue
			}
		}
		sr.Checks = inspectSwitch(ctx, l.Topo, s, cfg, cfgs, r)
	}
	return rep
}

// dbs are one switch's redis databases.
type dbs struct {
	app, state, asic *redis.Client
}

func openDBs(ctx context.Context, socket string) (*dbs, error) {
	cfg := swss.DefaultDBConfig().WithSocket(socket)
	var out dbs
	for _, x := range []struct {
		name string
		c    **redis.Client
	}{{swss.ApplDB, &out.app}, {swss.StateDB, &out.state}, {swss.AsicDB, &out.asic}} {
		db, err := swss.Connect(ctx, cfg, x.name)
		if err != nil {
			out.close()
			return nil, err
		}
		*x.c = db.Client
	}
	return &out, nil
}

func (d *dbs) close() {
	for _, c := range []*redis.Client{d.app, d.state, d.asic} {
		if c != nil {
			c.Close()
		}
	}
}

// scan returns the keys matching a pattern (SCAN, not KEYS).
func scan(ctx context.Context, c *redis.Client, pattern string) ([]string, error) {
	var keys []string
	it := c.Scan(ctx, 0, pattern, 512).Iterator()
	for it.Next(ctx) {
		keys = append(keys, it.Val())
	}
	sort.Strings(keys)
	return keys, it.Err()
}

// inspectSwitch runs the checks of one switch.
func inspectSwitch(ctx context.Context, t *Topology, s *Switch, cfg *SwitchConfig, cfgs map[string]*SwitchConfig, r SwitchRun) []Check {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	d, err := openDBs(ctx, r.RedisSocket)
	if err != nil {
		return []Check{{Name: "redis", Detail: err.Error()}}
	}
	defer d.close()
	var checks []Check
	add := func(c Check, err error) {
		if err != nil {
			c.OK, c.Detail = false, err.Error()
		}
		checks = append(checks, c)
	}
	add(checkConfigErrors(ctx, d))
	add(checkOper(ctx, d, "ports up", "PORT_TABLE", adminUp(cfg, "PORT")))
	add(checkOper(ctx, d, "LAGs up", "LAG_TABLE", adminUp(cfg, "PORTCHANNEL")))
	add(checkASICVLANs(ctx, d, cfg.VLANs()))
	add(checkASICRoutes(ctx, d, cfg.StaticRoutes()))
	pg := cfg.ProxyGateway()
	if pg.Mode == "lldp" {
		add(checkLearned(ctx, d, pg.Domain, ExpectedLearned(t, s.Name, cfgs, cfg)))
	}
	if pg.Mode != "" || pg.PeerRouting {
		remote := map[string][]int{}
		switch pg.Mode {
		case "lldp":
			for _, m := range ExpectedLearned(t, s.Name, cfgs, cfg) {
				remote[m] = pg.Exclude
			}
		case "static":
			remote = pg.RemoteStatic
		}
		add(checkMyMAC(ctx, d, pg.Domain, ExpectedMyMAC(cfg, remote)))
	}
	return checks
}

// adminUp lists a table's keys whose admin_status is up (the default).
func adminUp(cfg *SwitchConfig, table string) []string {
	var out []string
	for _, k := range cfg.Keys(table) {
		if a := cfg.Get(table, k)["admin_status"]; a == "" || a == "up" {
			out = append(out, k)
		}
	}
	return out
}

func checkConfigErrors(ctx context.Context, d *dbs) (Check, error) {
	c := Check{Name: "config"}
	keys, err := scan(ctx, d.state, "CFG_ERROR_TABLE|*")
	if err != nil {
		return c, err
	}
	if len(keys) == 0 {
		c.OK, c.Detail = true, "no CONFIG_DB row rejected"
		return c, nil
	}
	var msgs []string
	for _, k := range keys {
		f, _ := d.state.HGetAll(ctx, k).Result()
		msgs = append(msgs, fmt.Sprintf("%s: %s: %s", strings.TrimPrefix(k, "CFG_ERROR_TABLE|"), f["field"], f["reason"]))
	}
	c.Detail = fmt.Sprintf("%d rows rejected: %s", len(keys), strings.Join(msgs, "; "))
	return c, nil
}

func checkOper(ctx context.Context, d *dbs, name, table string, want []string) (Check, error) {
	c := Check{Name: name}
	var down []string
	for _, k := range want {
		st, err := d.state.HGet(ctx, table+"|"+k, "oper_status").Result()
		if err != nil && err != redis.Nil {
			return c, err
		}
		if st != "up" {
			if st == "" {
				st = "unknown"
			}
			down = append(down, k+" "+st)
		}
	}
	c.OK = len(down) == 0
	c.Detail = fmt.Sprintf("%d/%d oper up", len(want)-len(down), len(want))
	if len(down) > 0 {
		c.Detail += " (" + strings.Join(down, ", ") + ")"
	}
	return c, nil
}

const asicPrefix = "ASIC_STATE:"

func checkASICVLANs(ctx context.Context, d *dbs, want []int) (Check, error) {
	c := Check{Name: "ASIC VLANs"}
	keys, err := scan(ctx, d.asic, asicPrefix+"SAI_OBJECT_TYPE_VLAN:*")
	if err != nil {
		return c, err
	}
	have := map[int]bool{}
	for _, k := range keys {
		v, _ := d.asic.HGet(ctx, k, "SAI_VLAN_ATTR_VLAN_ID").Result()
		n, _ := strconv.Atoi(v)
		have[n] = true
	}
	var missing []string
	for _, v := range want {
		if !have[v] {
			missing = append(missing, strconv.Itoa(v))
		}
	}
	c.OK = len(missing) == 0
	c.Detail = fmt.Sprintf("%d/%d configured VLANs in ASIC_DB", len(want)-len(missing), len(want))
	if len(missing) > 0 {
		c.Detail += " (missing " + strings.Join(missing, ", ") + ")"
	}
	return c, nil
}

func checkASICRoutes(ctx context.Context, d *dbs, want []string) (Check, error) {
	c := Check{Name: "static routes"}
	keys, err := scan(ctx, d.asic, asicPrefix+"SAI_OBJECT_TYPE_ROUTE_ENTRY:*")
	if err != nil {
		return c, err
	}
	have := map[string]bool{}
	for _, k := range keys {
		var e struct {
			Dest string `json:"dest"`
		}
		if json.Unmarshal([]byte(strings.TrimPrefix(k, asicPrefix+"SAI_OBJECT_TYPE_ROUTE_ENTRY:")), &e) == nil {
			have[e.Dest] = true
		}
	}
	var missing []string
	for _, p := range want {
		if !have[p] {
			missing = append(missing, p)
		}
	}
	c.OK = len(missing) == 0
	c.Detail = fmt.Sprintf("%d/%d in ASIC_DB", len(want)-len(missing), len(want))
	if len(missing) > 0 {
		c.Detail += " (missing " + strings.Join(missing, ", ") + ")"
	} else if len(want) > 0 {
		c.Detail += " (" + strings.Join(want, ", ") + ")"
	}
	return c, nil
}

// ExpectedLearned returns the MACs a switch in lldp mode should learn
// from the proxy-gateway TLVs: on each member port of its peer-domain
// link, the switch cabled there advertises its own MAC and, with
// vlt_peer_mac_transmit, its VLT peer's; our own and our peer's MACs are
// ignored.
func ExpectedLearned(t *Topology, name string, cfgs map[string]*SwitchConfig, cfg *SwitchConfig) []string {
	pg := cfg.ProxyGateway()
	s, _ := t.Switch(name)
	if pg.Mode != "lldp" || pg.DomainLink == "" || s == nil {
		return nil
	}
	set := map[string]bool{}
	for _, port := range cfg.LAGMembers(pg.DomainLink) {
		if tlvDisabled(cfg, port) {
			continue
		}
		far, ok := t.Peer(Endpoint{name, port})
		if !ok {
			continue
		}
		fs, _ := t.Switch(far.Switch)
		fc := cfgs[far.Switch]
		if fs == nil {
			continue
		}
		if fc == nil {
			var err error
			if fc, err = LoadSwitchConfig(t.Path(fs.Config)); err != nil {
				continue
			}
		}
		fpg := fc.ProxyGateway()
		if fpg.Mode != "lldp" || tlvDisabled(fc, far.Port) || !contains(fc.LAGMembers(fpg.DomainLink), far.Port) {
			continue
		}
		set[fs.MAC] = true
		if fpg.Transmit && fpg.PeerMAC != "" {
			set[fpg.PeerMAC] = true
		}
	}
	delete(set, s.MAC)
	delete(set, pg.PeerMAC)
	return sortedKeys(set)
}

func tlvDisabled(cfg *SwitchConfig, port string) bool {
	return cfg.Get("VLT_PROXY_GATEWAY_PORT", port)["lldp_tlv"] == "disabled"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func checkLearned(ctx context.Context, d *dbs, domain int, want []string) (Check, error) {
	c := Check{Name: "LLDP learned"}
	keys, err := scan(ctx, d.state, "VLT_PROXY_GW_NEIGHBOR_TABLE|*")
	if err != nil {
		return c, err
	}
	have := map[string]bool{}
	for _, k := range keys {
		macs, _ := d.state.HGet(ctx, k, "macs").Result()
		for _, m := range strings.Split(macs, ",") {
			if n, err := unicastMAC(strings.TrimSpace(m)); err == nil {
				have[n] = true
			}
		}
	}
	var missing []string
	for _, m := range want {
		if !have[m] {
			missing = append(missing, m)
		}
	}
	c.OK = len(missing) == 0
	c.Detail = fmt.Sprintf("%d/%d remote MACs learned from %d neighbours", len(want)-len(missing), len(want), len(keys))
	if len(missing) > 0 {
		c.Detail += " (missing " + strings.Join(missing, ", ") + ")"
	} else if len(want) > 0 {
		c.Detail += " (" + strings.Join(want, ", ") + ")"
	}
	if !c.OK && len(have) == 0 {
		// pgwlldpd follows the applied APP_DB rows; while no orch
		// consumes VLT_PROXY_GW_TABLE they stay staged and LLDP cannot
		// start: not the lab's failure.
		id := strconv.Itoa(domain)
		applied, err := d.app.Exists(ctx, "VLT_PROXY_GW_TABLE:"+id).Result()
		if err != nil {
			return c, err
		}
		staged, err := d.app.Exists(ctx, "_VLT_PROXY_GW_TABLE:"+id).Result()
		if err != nil {
			return c, err
		}
		if applied == 0 && staged == 1 {
			c.Soft = true
			c.Detail += " (APP_DB VLT_PROXY_GW_TABLE:" + id + " is staged, not consumed: is orchagent running?)"
		}
	}
	return c, nil
}

// MyMAC is one MY_MAC entry: router MAC and VLAN.
type MyMAC struct {
	MAC  string
	VLAN int
}

func (m MyMAC) String() string { return fmt.Sprintf("%s/vlan%d", m.MAC, m.VLAN) }

// ExpectedMyMAC is the desired MY_MAC set (spec §4): each remote MAC on
// every L3 VLAN it is not excluded from, plus with peer routing the VLT
// peer's MAC on every L3 VLAN.
func ExpectedMyMAC(cfg *SwitchConfig, remote map[string][]int) map[MyMAC]bool {
	l3 := cfg.L3VLANs()
	pg := cfg.ProxyGateway()
	out := map[MyMAC]bool{}
	for m, excl := range remote {
		skip := map[int]bool{}
		for _, v := range excl {
			skip[v] = true
		}
		for _, v := range l3 {
			if !skip[v] {
				out[MyMAC{m, v}] = true
			}
		}
	}
	if pg.PeerRouting && pg.PeerMAC != "" {
		for _, v := range l3 {
			out[MyMAC{pg.PeerMAC, v}] = true
		}
	}
	return out
}

// InstalledMyMAC reads the MY_MAC objects of ASIC_DB.
func InstalledMyMAC(ctx context.Context, asic *redis.Client) (map[MyMAC]bool, error) {
	keys, err := scan(ctx, asic, asicPrefix+"SAI_OBJECT_TYPE_MY_MAC:*")
	if err != nil {
		return nil, err
	}
	out := map[MyMAC]bool{}
	for _, k := range keys {
		f, err := asic.HGetAll(ctx, k).Result()
		if err != nil {
			return nil, err
		}
		m, err := unicastMAC(f["SAI_MY_MAC_ATTR_MAC_ADDRESS"])
		if err != nil {
			continue
		}
		v, _ := strconv.Atoi(f["SAI_MY_MAC_ATTR_VLAN_ID"])
		out[MyMAC{m, v}] = true
	}
	return out, nil
}

func checkMyMAC(ctx context.Context, d *dbs, domain int, want map[MyMAC]bool) (Check, error) {
	c := Check{Name: "MY_MAC"}
	have, err := InstalledMyMAC(ctx, d.asic)
	if err != nil {
		return c, err
	}
	var missing, extra []string
	for m := range want {
		if !have[m] {
			missing = append(missing, m.String())
		}
	}
	for m := range have {
		if !want[m] {
			extra = append(extra, m.String())
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	c.OK = len(missing) == 0 && len(extra) == 0
	c.Detail = fmt.Sprintf("%d/%d desired entries in ASIC_DB", len(want)-len(missing), len(want))
	if len(missing) > 0 {
		c.Detail += "; missing " + strings.Join(missing, ", ")
	}
	if len(extra) > 0 {
		c.Detail += "; unexpected " + strings.Join(extra, ", ")
	}
	if !c.OK {
		// Until the proxy-gateway orch reports its domain in STATE_DB the
		// check cannot fail the lab (the orch may not be built yet).
		n, err := d.state.Exists(ctx, "VLT_PROXY_GW_TABLE|"+strconv.Itoa(domain)).Result()
		if err != nil {
			return c, err
		}
		if n == 0 && len(have) == 0 {
			c.Soft = true
			c.Detail += " (the proxy-gateway orch has not reported VLT_PROXY_GW_TABLE|" + strconv.Itoa(domain) + " in STATE_DB)"
		}
	}
	return c, nil
}
