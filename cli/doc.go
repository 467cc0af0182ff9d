// Package cli is the logic of the vltgw operator command: a registry of
// subcommands addressed by word paths ("show vlan brief", "config load"),
// the switch's databases opened from the global flags, and the built-in
// SONiC-like commands. Other packages add their own commands (e.g.
// "show vlt proxy-gateway", "config vlt …", "lab up") with App.Register.
package cli
