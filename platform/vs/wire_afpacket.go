//go:build linux

package vs

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"
)

// afpWire is a port cabled to a Linux interface through an AF_PACKET
// socket (e.g. the host end of a veth pair whose other end sits in a
// network namespace). Our end's up/down sets the interface's IFF_UP, so
// the far end of a veth loses carrier; carrier is the interface's
// IFF_RUNNING, polled. VLAN tags the kernel strips on receive
// (offload) are put back from PACKET_AUXDATA.
type afpWire struct {
	ifname  string
	ifindex int
	file    *os.File
	rc      syscall.RawConn
	ctl     int // AF_INET datagram socket for interface ioctls
	poll    time.Duration
	localUp atomic.Bool
	log     zerolog.Logger

	h      WireHandler
	done   chan struct{}
	wg     sync.WaitGroup
	closed sync.Once
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func newAFPacketWire(ifname string, poll time.Duration, log zerolog.Logger) (*afpWire, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("afpacket wire %s: %w", ifname, err)
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_ALL)))
	if err != nil {
		return nil, fmt.Errorf("afpacket wire %s: socket: %w (needs CAP_NET_RAW)", ifname, err)
	}
	fail := func(what string, err error) (*afpWire, error) {
		unix.Close(fd)
		return nil, fmt.Errorf("afpacket wire %s: %s: %w", ifname, what, err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index}); err != nil {
		return fail("bind", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_IGNORE_OUTGOING, 1); err != nil {
		return fail("PACKET_IGNORE_OUTGOING", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_AUXDATA, 1); err != nil {
		return fail("PACKET_AUXDATA", err)
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 4<<20)
	ctl, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fail("control socket", err)
	}
	f := os.NewFile(uintptr(fd), "afpacket:"+ifname)
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		unix.Close(ctl)
		return nil, fmt.Errorf("afpacket wire %s: %w", ifname, err)
	}
	return &afpWire{ifname: ifname, ifindex: ifi.Index, file: f, rc: rc, ctl: ctl, poll: poll, log: log, done: make(chan struct{})}, nil
}

func (w *afpWire) Start(h WireHandler) {
	w.h = h
	w.wg.Add(2)
	go w.readLoop()
	go w.carrierLoop()
}

func (w *afpWire) Send(frame []byte) error {
	if len(frame) > MaxFrame {
		return fmt.Errorf("afpacket wire %s: %w: %d", w.ifname, ErrOversize, len(frame))
	}
	sa := &unix.SockaddrLinklayer{Ifindex: w.ifindex, Halen: 6}
	copy(sa.Addr[:], frame[:6])
	var serr error
	err := w.rc.Write(func(fd uintptr) bool {
		serr = unix.Sendto(int(fd), frame, 0, sa)
		return serr != unix.EAGAIN
	})
	if err != nil {
		return fmt.Errorf("afpacket wire %s: %w", w.ifname, err)
	}
	if serr != nil {
		return fmt.Errorf("afpacket wire %s: send: %w", w.ifname, serr)
	}
	return nil
}

// SetLocalUp sets or clears IFF_UP on the interface (errors are logged:
// the port then simply does not change state).
func (w *afpWire) SetLocalUp(up bool) {
	w.localUp.Store(up)
	if err := w.setIfUp(up); err != nil {
		w.log.Error().Err(err).Bool("up", up).Msg("interface state not changed")
	}
}

func (w *afpWire) flags() (uint16, error) {
	ifr, err := unix.NewIfreq(w.ifname)
	if err != nil {
		return 0, err
	}
	if err := unix.IoctlIfreq(w.ctl, unix.SIOCGIFFLAGS, ifr); err != nil {
		return 0, err
	}
	return ifr.Uint16(), nil
}

func (w *afpWire) setIfUp(up bool) error {
	fl, err := w.flags()
	if err != nil {
		return fmt.Errorf("afpacket wire %s: SIOCGIFFLAGS: %w", w.ifname, err)
	}
	nf := fl &^ unix.IFF_UP
	if up {
		nf |= unix.IFF_UP
	}
	if nf == fl {
		return nil
	}
	ifr, err := unix.NewIfreq(w.ifname)
	if err != nil {
		return err
	}
	ifr.SetUint16(nf)
	if err := unix.IoctlIfreq(w.ctl, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("afpacket wire %s: SIOCSIFFLAGS: %w", w.ifname, err)
	}
	return nil
}

func (w *afpWire) Close() error {
	var err error
	w.closed.Do(func() {
		close(w.done)
		err = w.file.Close() // wakes the reader through the poller
		w.wg.Wait()
		unix.Close(w.ctl)
	})
	return err
}

func (w *afpWire) readLoop() {
	defer w.wg.Done()
	buf := make([]byte, MaxFrame+1)
	oob := make([]byte, unix.CmsgSpace(int(unsafe.Sizeof(unix.TpacketAuxdata{}))))
	for {
		var n, oobn, flags int
		var rerr error
		err := w.rc.Read(func(fd uintptr) bool {
			n, oobn, flags, _, rerr = unix.Recvmsg(int(fd), buf, oob, unix.MSG_TRUNC)
			return rerr != unix.EAGAIN
		})
		if err != nil {
			return // closed
		}
		if rerr != nil {
			select {
			case <-w.done:
				return
			default:
			}
			continue
		}
		if n > MaxFrame || flags&unix.MSG_TRUNC != 0 {
			w.h.Oversize(n)
			continue
		}
		frame := restoreTag(buf[:n], oob[:oobn])
		if frame == nil {
			frame = append([]byte(nil), buf[:n]...)
		}
		if len(frame) > MaxFrame {
			w.h.Oversize(len(frame))
			continue
		}
		w.h.Frame(frame)
	}
}

// restoreTag rebuilds a frame whose VLAN tag the kernel moved into the
// auxiliary data; nil when there was none.
func restoreTag(b, oob []byte) []byte {
	if len(b) < 12 {
		return nil
	}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil
	}
	for _, m := range msgs {
		if m.Header.Level != unix.SOL_PACKET || m.Header.Type != unix.PACKET_AUXDATA || len(m.Data) < int(unsafe.Sizeof(unix.TpacketAuxdata{})) {
			continue
		}
		aux := (*unix.TpacketAuxdata)(unsafe.Pointer(&m.Data[0]))
		if aux.Status&unix.TP_STATUS_VLAN_VALID == 0 {
			return nil
		}
		tpid := uint16(etVLAN)
		if aux.Status&unix.TP_STATUS_VLAN_TPID_VALID != 0 && aux.Vlan_tpid != 0 {
			tpid = aux.Vlan_tpid
		}
		out := make([]byte, 0, len(b)+4)
		out = append(out, b[:12]...)
		out = binary.BigEndian.AppendUint16(out, tpid)
		out = binary.BigEndian.AppendUint16(out, aux.Vlan_tci)
		return append(out, b[12:]...)
	}
	return nil
}

// carrierLoop polls IFF_RUNNING and reports changes.
func (w *afpWire) carrierLoop() {
	defer w.wg.Done()
	t := time.NewTicker(w.poll)
	defer t.Stop()
	known, carrier := false, false
	for {
		if fl, err := w.flags(); err == nil {
			c := fl&unix.IFF_RUNNING != 0
			if !known || c != carrier {
				known, carrier = true, c
				w.h.Carrier(c)
			}
		}
		select {
		case <-w.done:
			return
		case <-t.C:
		}
	}
}
