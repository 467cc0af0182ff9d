package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/cfgmgr/vlt"
	"github.com/vltgw/vltgw/orchagent/proxygw"
	"github.com/vltgw/vltgw/swss"
)

// ErrRejected is returned (wrapped, with cfgmgrd's reasons) when a `config
// vlt` command would write configuration that cfgmgrd rejects; nothing is
// written then.
var ErrRejected = errors.New("rejected")

// ErrNoSuchRow is returned (wrapped) when a del names a row that does not
// exist.
var ErrNoSuchRow = errors.New("no such row")

// cfgChange is one CONFIG_DB row written by a config command: fields nil
// deletes the row; replace writes exactly fields (an add), otherwise the
// fields are merged into the row (a setting).
type cfgChange struct {
	table, key string
	fields     map[string]string
	replace    bool
	// orKey is the key a delete takes when key does not exist (a MAC
	// typed in another notation than the stored row's).
	orKey string
}

func (c cfgChange) name() string { return c.table + "|" + c.key }

// memConfig is CONFIG_DB in memory as cfgmgr/vlt reads it.
type memConfig dbRows

func (c memConfig) Get(table, key string) (map[string]string, bool) {
	f, ok := c[table][key]
	return f, ok
}

func (c memConfig) Keys(table string) []string {
	keys := make([]string, 0, len(c[table]))
	for k := range c[table] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// with returns a copy of c with ch applied.
func (c memConfig) with(ch cfgChange) memConfig {
	out := make(memConfig, len(c)+1)
	for t, rows := range c {
		out[t] = rows
	}
	rows := make(map[string]map[string]string, len(c[ch.table])+1)
	for k, f := range c[ch.table] {
		rows[k] = f
	}
	switch {
	case ch.fields == nil:
		delete(rows, ch.key)
	case ch.replace || rows[ch.key] == nil:
		rows[ch.key] = ch.fields
	default:
		merged := map[string]string{}
		for f, v := range rows[ch.key] {
			merged[f] = v
		}
		for f, v := range ch.fields {
			merged[f] = v
		}
		rows[ch.key] = merged
	}
	out[ch.table] = rows
	return out
}

// readVltConfig reads the CONFIG_DB tables cfgmgr/vlt validates, and
// DEVICE_METADATA (the switch's own MAC).
func readVltConfig(ctx context.Context, env *Env) (memConfig, error) {
	cfg := memConfig{}
	for _, t := range append([]string{vlt.CfgMetadata}, vlt.ConfigTables...) {
		rows, err := readTable(ctx, env, swss.ConfigDB, t)
		if err != nil {
			return nil, err
		}
		cfg[t] = rows
	}
	return cfg, nil
}

// checkChange runs cfgmgr/vlt over CONFIG_DB as it is and as it would be
// after ch. The change is refused when cfgmgrd would reject the changed row
// or any row it did not reject before (a domain deleted under its VLT
// interfaces, the VLT marking of a peer-domain link removed, ...). The
// first run gives the translator the history rule 6 needs.
func checkChange(cfg memConfig, ch cfgChange) error {
	tr := vlt.NewTranslator()
	_, before := tr.Translate(cfg)
	_, after := tr.Translate(cfg.with(ch))
	old := make(map[vlt.Rejection]bool, len(before))
	for _, r := range before {
		old[r] = true
	}
	var errs []error
	for _, r := range after {
		if !old[r] || ch.fields != nil && r.Table == ch.table && r.Key == ch.key {
			errs = append(errs, r)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrRejected, errors.Join(errs...))
}

// applyVlt validates ch against CONFIG_DB and writes it in one transaction.
func applyVlt(ctx context.Context, env *Env, ch cfgChange) error {
	cfg, err := readVltConfig(ctx, env)
	if err != nil {
		return err
	}
	if ch.fields == nil {
		if _, ok := cfg.Get(ch.table, ch.key); !ok {
			if _, alt := cfg.Get(ch.table, ch.orKey); !alt {
				return fmt.Errorf("%s: %w", ch.name(), ErrNoSuchRow)
			}
			ch.key = ch.orKey
		}
	}
	if err := checkChange(cfg, ch); err != nil {
		return err
	}
	s, err := env.store(ctx, swss.ConfigDB)
	if err != nil {
		return err
	}
	key := ch.table + s.sep + ch.key
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if ch.fields == nil || ch.replace {
			p.Del(ctx, key)
		}
		if ch.fields != nil {
			args := make([]any, 0, 2*len(ch.fields))
			for f, v := range ch.fields {
				args = append(args, f, v)
			}
			p.HSet(ctx, key, args...)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("CONFIG_DB: write %s: %w", ch.name(), err)
	}
	if env.JSON() {
		op := "set"
		if ch.fields == nil {
			op = "del"
		}
		return writeJSON(env.Stdout, map[string]any{"op": op, "key": ch.name(), "fields": ch.fields})
	}
	return nil
}

// canonMAC writes a MAC the way cfgmgr/vlt reports it (lower case); a MAC
// that does not parse is kept as typed so cfgmgr/vlt names it.
func canonMAC(s string) string {
	if m, err := proxygw.ParseMAC(s); err == nil {
		return m.String()
	}
	return s
}

// rowFields is fields, or SONiC's NULL=NULL for a row without fields.
func rowFields(fields map[string]string) map[string]string {
	if len(fields) == 0 {
		return map[string]string{"NULL": "NULL"}
	}
	return fields
}

func wantArgs(args []string, n int, usage string) error {
	if len(args) != n {
		return fmt.Errorf("%w: %s", ErrUsage, usage)
	}
	return nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// vltConfigCommands returns the `config vlt …` and `config lldp …`
// commands. Flag values live in the closures of one registration.
func vltConfigCommands() []Command {
	var (
		peerLink, peerTimeout, peerMAC, mode, exclude string
		peerRouting, transmit                         bool
	)
	excludeFlag := func(fs *flag.FlagSet) {
		fs.StringVar(&exclude, "exclude-vlans", "", "VLANs to leave out, e.g. 10,20-30")
	}
	return []Command{
		{
			Path: "config vlt domain add", Args: "<id> --peer-link PortChannelN", Summary: "add (or replace) VLT_DOMAIN|<id>",
			Flags: func(fs *flag.FlagSet) {
				fs.StringVar(&peerLink, "peer-link", "", "the VLT peer link (VLTi), PortChannelN (required)")
				fs.BoolVar(&peerRouting, "peer-routing", false, "route frames sent to the VLT peer's MAC")
				fs.StringVar(&peerTimeout, "peer-routing-timeout", "", "seconds to keep peer routing after the peer fails (0-65535, 0 = forever)")
				fs.StringVar(&peerMAC, "peer-mac", "", "the VLT peer's MAC (static; STATE_DB VLT_PEER_TABLE wins)")
			},
			Run: func(ctx context.Context, env *Env, args []string) error {
				if err := wantArgs(args, 1, "config vlt domain add <id> --peer-link PortChannelN"); err != nil {
					return err
				}
				if peerLink == "" {
					return fmt.Errorf("%w: VLT_DOMAIN|%s: field peer_link: --peer-link is required", ErrUsage, args[0])
				}
				f := map[string]string{"peer_link": peerLink, "peer_routing": boolString(peerRouting)}
				if peerTimeout != "" {
					f["peer_routing_timeout"] = peerTimeout
				}
				if peerMAC != "" {
					f["peer_mac"] = canonMAC(peerMAC)
				}
				return applyVlt(ctx, env, cfgChange{table: vlt.CfgDomain, key: args[0], fields: f, replace: true})
			},
		},
		{
			Path: "config vlt domain del", Args: "<id>", Summary: "delete VLT_DOMAIN|<id> (its VLT interfaces and proxy gateway first)",
			Run: func(ctx context.Context, env *Env, args []string) error {
				if err := wantArgs(args, 1, "config vlt domain del <id>"); err != nil {
					return err
				}
				return applyVlt(ctx, env, cfgChange{table: vlt.CfgDomain, key: args[0]})
			},
		},
		{
			Path: "config vlt interface add", Args: "<id> <PortChannelN>", Summary: "mark a port-channel as a VLT LAG of the domain",
			Run: func(ctx context.Context, env *Env, args []string) error {
				if err := wantArgs(args, 2, "config vlt interface add <id> <PortChannelN>"); err != nil {
					return err
				}
				return applyVlt(ctx, env, cfgChange{table: vlt.CfgInterface, key: args[0] + "|" + args[1], fields: rowFields(nil), replace: true})
			},
		},
		{
			Path: "config vlt interface del", Args: "<id> <PortChannelN>", Summary: "remove the VLT marking of a port-channel",
			Run: func(ctx context.Context, env *Env, args []string) error {
				if err := wantArgs(args, 2, "config vlt interface del <id> <PortChannelN>"); err != nil {
					return err
				}
				return applyVlt(ctx, env, cfgChange{table: vlt.CfgInterface, key: args[0] + "|" + args[1]})
			},
		},
		{
			Path: "config vlt proxy-gateway add", Args: "<id> --mode lldp|static", Summary: "enable (or replace) the proxy gateway of a domain",
			Flags: func(fs *flag.FlagSet) {
				fs.StringVar(&mode, "mode", "", "lldp or static (required)")
				fs.BoolVar(&transmit, "vlt-peer-mac-transmit", false, "also advertise the VLT peer's MAC (lldp mode)")
			},
			Run: func(ctx context.Context, env *Env, args []string) error {
				if err := wantArgs(args, 1, "config vlt proxy-gateway add <id> --mode lldp|static [--vlt-peer-mac-transmit]"); err != nil {
					return err
				}
				if mode == "" {
					return fmt.Errorf("%w: VLT_PROXY_GATEWAY|%s: field mode: --mode lldp|static is required", ErrUsage, args[0])
				}
				return applyVlt(ctx, env, cfgChange{table: vlt.CfgProxyGateway, key: args[0], replace: true,
					fields: map[string]string{"mode": mode, "vlt_peer_mac_transmit": boolString(transmit)}})
			},
		},
		{
			Path: "config vlt proxy-gateway del", Args: "<id>", Summary: "disable the proxy gateway of a domain (its peer link / remote MACs first)",
			Run: func(ctx context.Context, env *Env, args []string) error {
				if err := wantArgs(args, 1, "config vlt proxy-gateway del <id>"); err != nil {
					return err
				}
				return applyVlt(ctx, env, cfgChange{table: vlt.CfgProxyGateway, key: args[0]})
			},
		},
		{
			Path: "config vlt proxy-gateway peer-link add", Args: "<id> <PortChannelN>", Summary: "name the peer-domain link (lldp mode)",
			Flags: excludeFlag,
			Run: func(ctx context.Context, env *Env, args []string) error {
				if err := wantArgs(args, 2, "config vlt proxy-gateway peer-link add <id> <PortChannelN> [--exclude-vlans 10,20-30]"); err != nil {
					return err
				}
				return applyVlt(ctx, env, cfgChange{table: vlt.CfgPeerLink, key: args[0] + "|" + args[1], replace: true,
					fields: rowFields(excludeFields(exclude))})
			},
		},
		{
			Path: "config vlt proxy-gateway peer-link del", Args: "<id> <PortChannelN>", Summary: "remove the peer-domain link",
			Run: func(ctx context.Context, env *Env, args []string) error {
				if err := wantArgs(args, 2, "config vlt proxy-gateway peer-link del <id> <PortChannelN>"); err != nil {
					return err
				}
				return applyVlt(ctx, env, cfgChange{table: vlt.CfgPeerLink, key: args[0] + "|" + args[1]})
			},
		},
		{
			Path: "config vlt proxy-gateway remote-mac add", Args: "<id> <mac>", Summary: "add a remote node's router MAC (static mode)",
			Flags: excludeFlag,
			Run: func(ctx context.Context, env *Env, args []string) error {
				if err := wantArgs(args, 2, "config vlt proxy-gateway remote-mac add <id> <mac> [--exclude-vlans 10,20-30]"); err != nil {
					return err
				}
				return applyVlt(ctx, env, cfgChange{table: vlt.CfgRemoteMAC, key: args[0] + "|" + canonMAC(args[1]), replace: true,
					fields: rowFields(excludeFields(exclude))})
			},
		},
		{
			Path: "config vlt proxy-gateway remote-mac del", Args: "<id> <mac>", Summary: "remove a remote router MAC",
			Run: func(ctx context.Context, env *Env, args []string) error {
				if err := wantArgs(args, 2, "config vlt proxy-gateway remote-mac del <id> <mac>"); err != nil {
					return err
				}
				return applyVlt(ctx, env, cfgChange{table: vlt.CfgRemoteMAC, key: args[0] + "|" + canonMAC(args[1]), orKey: args[0] + "|" + args[1]})
			},
		},
		lldpTLVCommand("enable", "enabled"),
		lldpTLVCommand("disable", "disabled"),
		lldpGlobalCommand("hello-time", "hello_time", "seconds between LLDPDUs (5-180)"),
		lldpGlobalCommand("multiplier", "multiplier", "TTL = hello-time x multiplier (2-10)"),
	}
}

func excludeFields(exclude string) map[string]string {
	if strings.TrimSpace(exclude) == "" {
		return nil
	}
	return map[string]string{"exclude_vlans": exclude}
}

func lldpTLVCommand(verb, value string) Command {
	return Command{
		Path: "config vlt proxy-gateway lldp-tlv " + verb, Args: "<EthernetN>",
		Summary: verb + " sending and processing the proxy-gateway TLV on one port",
		Run: func(ctx context.Context, env *Env, args []string) error {
			if err := wantArgs(args, 1, "config vlt proxy-gateway lldp-tlv "+verb+" <EthernetN>"); err != nil {
				return err
			}
			return applyVlt(ctx, env, cfgChange{table: vlt.CfgPort, key: args[0], fields: map[string]string{"lldp_tlv": value}})
		},
	}
}

func lldpGlobalCommand(word, field, summary string) Command {
	return Command{
		Path: "config lldp " + word, Args: "<N>", Summary: "LLDP|GLOBAL " + field + ": " + summary,
		Run: func(ctx context.Context, env *Env, args []string) error {
			if err := wantArgs(args, 1, "config lldp "+word+" <N>"); err != nil {
				return err
			}
			return applyVlt(ctx, env, cfgChange{table: vlt.CfgLLDP, key: "GLOBAL", fields: map[string]string{field: args[0]}})
		},
	}
}

// Vlt registers the VLT commands: show vlt brief, show vlt proxy-gateway
// [lldp neighbors|lldp counters], config vlt … and config lldp ….
func Vlt(a *App) error {
	cmds := []Command{
		{Path: "show vlt brief", Summary: "VLT domains: peer link, peer MAC and status, peer routing, VLT port-channels, proxy gateway", Run: runShowVltBrief},
		{Path: "show vlt proxy-gateway", Args: "[lldp neighbors|lldp counters]", Summary: "proxy gateway per domain, remote MACs and MY_MAC usage; or its LLDP neighbours / counters", Run: runShowProxyGateway},
	}
	return a.RegisterAll(append(cmds, vltConfigCommands()...)...)
}
