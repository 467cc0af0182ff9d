//go:build !linux

package lab

import (
	"context"
	"errors"
	"net/netip"
	"time"
)

var errNoNetns = errors.New("network namespaces need Linux")

// InNetns needs Linux.
func InNetns(string, func() error) error { return errNoNetns }

// Datagram is a UDP datagram a host's socket received.
type Datagram struct {
	Payload []byte
	From    netip.AddrPort
	TTL     int
}

// UDPReceiver needs Linux.
type UDPReceiver struct{ Addr netip.AddrPort }

// ListenUDP needs Linux.
func ListenUDP(HostRun, int) (*UDPReceiver, error) { return nil, errNoNetns }

// Close does nothing.
func (r *UDPReceiver) Close() error { return nil }

// Receive needs Linux.
func (r *UDPReceiver) Receive(context.Context, []byte, time.Duration) (*Datagram, error) {
	return nil, errNoNetns
}

// SendUDP needs Linux.
func SendUDP(HostRun, netip.AddrPort, int, []byte) error { return errNoNetns }

// Ping needs Linux.
func Ping(context.Context, HostRun, netip.Addr, time.Duration) (time.Duration, error) {
	return 0, errNoNetns
}

func disableTxChecksum(HostRun) error { return errNoNetns }
