//go:build linux

package lab

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// InNetns runs fn on an OS thread switched into the named network
// namespace (ip netns's handle); sockets fn opens stay in that namespace
// and may be used from any goroutine afterwards.
func InNetns(ns string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		target, err := os.Open(netnsPath(ns))
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("network namespace %s: %w", ns, err)
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("setns %s: %w", ns, err)
			return
		}
		ferr := fn()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			// The thread stays locked and ends with the goroutine.
			errc <- errors.Join(ferr, fmt.Errorf("setns back from %s: %w", ns, err))
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// Datagram is a UDP datagram a host's socket received.
type Datagram struct {
	Payload []byte
	From    netip.AddrPort
	// TTL is the IP TTL it arrived with (IP_RECVTTL).
	TTL int
}

// UDPReceiver is a UDP socket in a host's namespace, on the host's
// address, reporting each datagram's TTL.
type UDPReceiver struct {
	conn *net.UDPConn
	// Addr is where it listens.
	Addr netip.AddrPort
}

// ListenUDP opens a UDP socket in h's namespace on h's address (port 0:
// the kernel picks one).
func ListenUDP(h HostRun, port int) (*UDPReceiver, error) {
	var r UDPReceiver
	err := InNetns(h.Netns, func() error {
		c, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(h.Addr(), uint16(port))))
		if err != nil {
			return err
		}
		rc, err := c.SyscallConn()
		if err == nil {
			var serr error
			err = rc.Control(func(fd uintptr) { serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_RECVTTL, 1) })
			err = errors.Join(err, serr)
		}
		if err != nil {
			c.Close()
			return fmt.Errorf("IP_RECVTTL: %w", err)
		}
		r.conn = c
		r.Addr = c.LocalAddr().(*net.UDPAddr).AddrPort()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("host %s: listen UDP: %w", h.Name, err)
	}
	return &r, nil
}

// Close closes the socket.
func (r *UDPReceiver) Close() error { return r.conn.Close() }

// Receive waits for the next datagram whose payload is want (others are
// skipped) until ctx ends or timeout passes.
func (r *UDPReceiver) Receive(ctx context.Context, want []byte, timeout time.Duration) (*Datagram, error) {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := r.conn.SetReadDeadline(deadline); err != nil {
		return nil, err
	}
	buf := make([]byte, 65536)
	oob := make([]byte, unix.CmsgSpace(4)*4)
	for {
		n, oobn, _, from, err := r.conn.ReadMsgUDPAddrPort(buf, oob)
		if err != nil {
			return nil, fmt.Errorf("no datagram at %s: %w", r.Addr, err)
		}
		if want != nil && string(buf[:n]) != string(want) {
			continue
		}
		d := &Datagram{Payload: append([]byte(nil), buf[:n]...), From: netip.AddrPortFrom(from.Addr().Unmap(), from.Port()), TTL: -1}
		msgs, _ := unix.ParseSocketControlMessage(oob[:oobn])
		for _, m := range msgs {
			if m.Header.Level == unix.IPPROTO_IP && m.Header.Type == unix.IP_TTL && len(m.Data) >= 4 {
				d.TTL = int(int32(binary.NativeEndian.Uint32(m.Data)))
			}
		}
		return d, nil
	}
}

// SendUDP sends one datagram from a UDP socket in h's namespace (its
// kernel routes it: default route via its gateway, whose MAC its
// neighbour table holds) with the given TTL.
func SendUDP(h HostRun, dst netip.AddrPort, ttl int, payload []byte) error {
	var c *net.UDPConn
	err := InNetns(h.Netns, func() error {
		var err error
		c, err = net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(dst))
		return err
	})
	if err != nil {
		return fmt.Errorf("host %s: UDP socket: %w", h.Name, err)
	}
	defer c.Close()
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_TTL, ttl) }); err != nil || serr != nil {
		return fmt.Errorf("host %s: IP_TTL: %w", h.Name, errors.Join(err, serr))
	}
	if _, err := c.Write(payload); err != nil {
		return fmt.Errorf("host %s: send to %s: %w", h.Name, dst, err)
	}
	return nil
}

// Ping sends ICMP echo requests from h's namespace (a raw socket) to dst,
// one per 200 ms, until a reply comes back or timeout passes; it returns
// the round-trip time of the answered request.
func Ping(ctx context.Context, h HostRun, dst netip.Addr, timeout time.Duration) (time.Duration, error) {
	var c net.PacketConn
	err := InNetns(h.Netns, func() error {
		var err error
		c, err = net.ListenPacket("ip4:icmp", h.Addr().String())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("host %s: ICMP socket: %w", h.Name, err)
	}
	defer c.Close()
	id := uint16(os.Getpid())
	done := time.Now().Add(timeout)
	buf := make([]byte, 1500)
	for seq := uint16(1); time.Now().Before(done); seq++ {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		req := []byte{8, 0, 0, 0, byte(id >> 8), byte(id), byte(seq >> 8), byte(seq), 'v', 'l', 't', 'g', 'w', '!'}
		binary.BigEndian.PutUint16(req[2:], ipChecksum(req))
		sent := time.Now()
		if _, err := c.WriteTo(req, &net.IPAddr{IP: dst.AsSlice()}); err != nil {
			return 0, fmt.Errorf("host %s: ping %s: %w", h.Name, dst, err)
		}
		wait := time.Now().Add(200 * time.Millisecond)
		if wait.After(done) {
			wait = done
		}
		_ = c.SetReadDeadline(wait)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				break // next request
			}
			// net strips the IPv4 header of raw ICMP sockets.
			m := buf[:n]
			if len(m) >= 8 && m[0] == 0 && binary.BigEndian.Uint16(m[4:]) == id && from.String() == dst.String() {
				return time.Since(sent), nil
			}
		}
	}
	return 0, fmt.Errorf("host %s: no echo reply from %s within %s", h.Name, dst, timeout)
}

// disableTxChecksum turns transmit checksum offload off on the host's
// interfaces (ethtool -K <if> tx off, by ioctl). A veth otherwise hands
// its far end UDP and TCP packets whose checksum is left to the
// hardware; the switch's AF_PACKET socket reads them as they are, and the
// receiving host would drop them as corrupt.
func disableTxChecksum(h HostRun) error {
	ifs := []string{"eth0"}
	if h.Ifname != "eth0" {
		ifs = append(ifs, h.Ifname)
	}
	return InNetns(h.Netns, func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		for _, name := range ifs {
			val := struct{ cmd, data uint32 }{unix.ETHTOOL_STXCSUM, 0}
			var ifr struct {
				name [unix.IFNAMSIZ]byte
				data unsafe.Pointer
				_    [16]byte
			}
			copy(ifr.name[:], name)
			ifr.data = unsafe.Pointer(&val)
			if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(&ifr))); errno != 0 {
				return fmt.Errorf("%s: tx checksum offload off (SIOCETHTOOL): %w", name, errno)
			}
			runtime.KeepAlive(&val)
		}
		return nil
	})
}
