package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/vltgw/vltgw/cfgmgr"
	"github.com/vltgw/vltgw/cli"
)

// SwitchConfig is one switch's config_db.json, parsed.
type SwitchConfig struct {
	Path string
	Rows []cli.ConfigRow
	// Tables is table → key → fields.
	Tables map[string]map[string]map[string]string
}

// LoadSwitchConfig reads a config_db.json the way `vltgw config load` does.
func LoadSwitchConfig(path string) (*SwitchConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rows, err := cli.ParseConfigDB(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c := &SwitchConfig{Path: path, Rows: rows, Tables: map[string]map[string]map[string]string{}}
	for _, r := range rows {
		if c.Tables[r.Table] == nil {
			c.Tables[r.Table] = map[string]map[string]string{}
		}
		c.Tables[r.Table][r.Key] = r.Fields
	}
	return c, nil
}

// Keys returns a table's keys, sorted.
func (c *SwitchConfig) Keys(table string) []string { return sortedKeys(c.Tables[table]) }

// Get returns a row's fields (nil when absent).
func (c *SwitchConfig) Get(table, key string) map[string]string { return c.Tables[table][key] }

// CheckRules runs the rows through cfgmgrd's pure engine (the CONFIG_DB
// families and the VLT translator) and returns every rejection, pending
// ones included, as "TABLE|key: field: reason".
func (c *SwitchConfig) CheckRules() error {
	eng, err := cfgmgr.NewEngineWith(cfgmgr.DefaultFamilies(), cfgmgr.DefaultTranslators())
	if err != nil {
		return err
	}
	evs := make([]cfgmgr.Event, 0, len(c.Rows))
	for _, r := range c.Rows {
		evs = append(evs, cfgmgr.Event{TableKey: cfgmgr.TableKey{Table: r.Table, Key: r.Key}, Op: cfgmgr.OpSet, Fields: cfgmgr.Fields(r.Fields)})
	}
	plan := eng.Start(evs, nil, nil)
	var errs []error
	rej := eng.Rejections()
	keys := make([]cfgmgr.TableKey, 0, len(rej))
	for k := range rej {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Less(keys[j]) })
	for _, k := range keys {
		r := rej[k]
		state := "rejected"
		if r.Pending {
			state = "pending"
		}
		errs = append(errs, fmt.Errorf("%s: %s: %s: %s", c.Path, k, state, strings.TrimPrefix(r.Field+": "+r.Reason, ": ")))
	}
	for _, k := range plan.Stuck {
		errs = append(errs, fmt.Errorf("%s: %s: evaluation did not settle", c.Path, k))
	}
	return errors.Join(errs...)
}

// CheckAgainst cross-checks the config with its switch in the topology:
// DEVICE_METADATA mac, PORT rows against the platform's ports and lanes,
// and the VLT domain id.
func (c *SwitchConfig) CheckAgainst(s *Switch) error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s (switch %s): "+format, append([]any{c.Path, s.Name}, a...)...))
	}
	md := c.Get("DEVICE_METADATA", "localhost")
	if m, err := unicastMAC(md["mac"]); err != nil {
		bad("DEVICE_METADATA|localhost mac: %v", err)
	} else if m != s.MAC {
		bad("DEVICE_METADATA|localhost mac %s differs from the topology's %s", m, s.MAC)
	}
	have := map[string]bool{}
	for _, p := range s.Ports {
		have[p] = true
	}
	for _, p := range c.Keys("PORT") {
		if !have[p] {
			bad("PORT|%s: the switch has no such port (ports: %s)", p, strings.Join(s.Ports, ", "))
			continue
		}
		if lanes := c.Get("PORT", p)["lanes"]; lanes != "" && lanes != portLanes(p) {
			bad("PORT|%s lanes %q: the platform gives it %q", p, lanes, portLanes(p))
		}
	}
	for _, d := range c.Keys("VLT_DOMAIN") {
		if d != strconv.Itoa(s.Domain) {
			bad("VLT_DOMAIN|%s: the topology puts the switch in domain %d", d, s.Domain)
		}
	}
	return errors.Join(errs...)
}

// portLanes is the lane list of EthernetN: N..N+3.
func portLanes(port string) string {
	n, _ := strconv.Atoi(strings.TrimPrefix(port, "Ethernet"))
	return fmt.Sprintf("%d,%d,%d,%d", n, n+1, n+2, n+3)
}

// ProxyGW is a domain's proxy-gateway configuration as the lab needs it.
type ProxyGW struct {
	Domain       int
	Mode         string // lldp, static or "" (off)
	PeerLink     string // VLT_DOMAIN peer_link (VLTi)
	PeerMAC      string // VLT_DOMAIN peer_mac
	PeerRouting  bool
	Transmit     bool   // vlt_peer_mac_transmit
	DomainLink   string // lldp: the peer-domain link
	Exclude      []int  // lldp: excluded VLANs of the peer-domain link
	RemoteStatic map[string][]int
}

// ProxyGateway reads the switch's VLT proxy-gateway rows (first domain).
func (c *SwitchConfig) ProxyGateway() ProxyGW {
	var p ProxyGW
	for _, d := range c.Keys("VLT_DOMAIN") {
		p.Domain, _ = strconv.Atoi(d)
		f := c.Get("VLT_DOMAIN", d)
		p.PeerLink, p.PeerRouting = f["peer_link"], f["peer_routing"] == "true"
		if m, err := unicastMAC(f["peer_mac"]); err == nil {
			p.PeerMAC = m
		}
		g := c.Get("VLT_PROXY_GATEWAY", d)
		p.Mode, p.Transmit = g["mode"], g["vlt_peer_mac_transmit"] == "true"
		for _, k := range c.Keys("VLT_PROXY_GATEWAY_PEER_LINK") {
			if id, pc, _ := strings.Cut(k, "|"); id == d {
				p.DomainLink = pc
				p.Exclude, _ = parseVLANList(c.Get("VLT_PROXY_GATEWAY_PEER_LINK", k)["exclude_vlans"])
			}
		}
		for _, k := range c.Keys("VLT_PROXY_GATEWAY_REMOTE_MAC") {
			if id, mac, _ := strings.Cut(k, "|"); id == d {
				if p.RemoteStatic == nil {
					p.RemoteStatic = map[string][]int{}
				}
				m, _ := unicastMAC(mac)
				p.RemoteStatic[m], _ = parseVLANList(c.Get("VLT_PROXY_GATEWAY_REMOTE_MAC", k)["exclude_vlans"])
			}
		}
		break
	}
	return p
}

// LAGMembers returns a port-channel's member ports.
func (c *SwitchConfig) LAGMembers(lag string) []string {
	var out []string
	for _, k := range c.Keys("PORTCHANNEL_MEMBER") {
		if pc, port, _ := strings.Cut(k, "|"); pc == lag {
			out = append(out, port)
		}
	}
	return out
}

// VLANs returns the configured VLAN ids, sorted.
func (c *SwitchConfig) VLANs() []int {
	var out []int
	for _, k := range c.Keys("VLAN") {
		if n, err := strconv.Atoi(c.Get("VLAN", k)["vlanid"]); err == nil {
			out = append(out, n)
		} else if n, err := strconv.Atoi(strings.TrimPrefix(k, "Vlan")); err == nil {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// L3VLANs returns the VLANs with a VLAN router interface, sorted.
func (c *SwitchConfig) L3VLANs() []int {
	var out []int
	for _, k := range c.Keys("VLAN_INTERFACE") {
		if strings.Contains(k, "|") {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(k, "Vlan")); err == nil {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// VLANAddr returns the switch's address on a VLAN (first IPv4 one).
func (c *SwitchConfig) VLANAddr(vlan int) (netip.Prefix, bool) {
	prefix := fmt.Sprintf("Vlan%d|", vlan)
	for _, k := range c.Keys("VLAN_INTERFACE") {
		if a, ok := strings.CutPrefix(k, prefix); ok {
			if p, err := netip.ParsePrefix(a); err == nil && p.Addr().Is4() {
				return p, true
			}
		}
	}
	return netip.Prefix{}, false
}

// StaticRoutes returns the STATIC_ROUTE prefixes (default VRF), canonical.
func (c *SwitchConfig) StaticRoutes() []string {
	var out []string
	for _, k := range c.Keys("STATIC_ROUTE") {
		k = strings.TrimPrefix(k, "default|")
		if p, err := netip.ParsePrefix(k); err == nil {
			out = append(out, p.Masked().String())
		}
	}
	return out
}

// parseVLANList parses "10,20-30".
func parseVLANList(s string) ([]int, error) {
	var out []int
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, rng := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("vlan list %q: %q", s, part)
		}
		b := a
		if rng {
			if b, err = strconv.Atoi(hi); err != nil {
				return nil, fmt.Errorf("vlan list %q: %q", s, part)
			}
		}
		for v := a; v <= b; v++ {
			out = append(out, v)
		}
	}
	return out, nil
}

// YANGInstance converts the VLT tables of the config (spec §3) into the
// instance document of yang/sonic-vlt.yang (JSON, for yanglint -t config).
// Tables the model does not cover are left out.
func (c *SwitchConfig) YANGInstance() ([]byte, error) {
	type list = []map[string]any
	doc := map[string]any{}
	add := func(table string, entry map[string]any) {
		cont, _ := doc[table].(map[string]any)
		if cont == nil {
			cont = map[string]any{table + "_LIST": list{}}
			doc[table] = cont
		}
		cont[table+"_LIST"] = append(cont[table+"_LIST"].(list), entry)
	}
	var errs []error
	domain := func(table, key, s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s|%s: domain id %q is not a number", table, key, s))
		}
		return n
	}
	typed := func(entry map[string]any, f map[string]string, bools, ints []string) {
		for k, v := range f {
			if k == "NULL" {
				continue
			}
			entry[k] = v
			for _, b := range bools {
				if k == b && (v == "true" || v == "false") {
					entry[k] = v == "true"
				}
			}
			for _, i := range ints {
				if n, err := strconv.Atoi(v); k == i && err == nil {
					entry[k] = n
				}
			}
		}
	}
	for _, k := range c.Keys("VLT_DOMAIN") {
		e := map[string]any{"domain_id": domain("VLT_DOMAIN", k, k)}
		typed(e, c.Get("VLT_DOMAIN", k), []string{"peer_routing"}, []string{"peer_routing_timeout"})
		add("VLT_DOMAIN", e)
	}
	for _, table := range []string{"VLT_INTERFACE", "VLT_PROXY_GATEWAY_PEER_LINK", "VLT_PROXY_GATEWAY_REMOTE_MAC"} {
		second := "name"
		if table == "VLT_PROXY_GATEWAY_REMOTE_MAC" {
			second = "mac"
		}
		for _, k := range c.Keys(table) {
			id, rest, ok := strings.Cut(k, "|")
			if !ok {
				errs = append(errs, fmt.Errorf("%s|%s: want <domain>|<%s>", table, k, second))
				continue
			}
			e := map[string]any{"domain_id": domain(table, k, id), second: rest}
			typed(e, c.Get(table, k), nil, nil)
			add(table, e)
		}
	}
	for _, k := range c.Keys("VLT_PROXY_GATEWAY") {
		e := map[string]any{"domain_id": domain("VLT_PROXY_GATEWAY", k, k)}
		typed(e, c.Get("VLT_PROXY_GATEWAY", k), []string{"vlt_peer_mac_transmit"}, nil)
		add("VLT_PROXY_GATEWAY", e)
	}
	for _, k := range c.Keys("VLT_PROXY_GATEWAY_PORT") {
		e := map[string]any{"name": k}
		typed(e, c.Get("VLT_PROXY_GATEWAY_PORT", k), nil, nil)
		add("VLT_PROXY_GATEWAY_PORT", e)
	}
	for _, k := range c.Keys("LLDP") {
		e := map[string]any{"name": k}
		typed(e, c.Get("LLDP", k), nil, []string{"hello_time", "multiplier"})
		add("LLDP", e)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return json.MarshalIndent(map[string]any{"sonic-vlt:sonic-vlt": doc}, "", "  ")
}
