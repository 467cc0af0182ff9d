package lldp

import (
	"testing"
	"time"
)

// BenchmarkDecode: a reference-scenario LLDPDU with two MACs, and one with
// the full 16.
func BenchmarkDecode(b *testing.B) {
	sixteen := make([]MAC, 16)
	for i := range sixteen {
		sixteen[i] = seqMAC(i + 1)
	}
	for _, bc := range []struct {
		name  string
		frame []byte
	}{
		{"2macs", frameFor(b, macC, "Ethernet8", 120, macC, macD)},
		{"16macs", frameFor(b, macC, "Ethernet8", 120, sixteen...)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.frame)))
			for b.Loop() {
				if _, err := Decode(bc.frame); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAgentReceive: the steady state (a known neighbour refreshing
// the same MACs) and a content change every frame (the MAC set flips, so
// the learned set is recomputed each time).
func BenchmarkAgentReceive(b *testing.B) {
	refresh := frameFor(b, macC, "Ethernet8", 120, macC, macD)
	flip := [2][]byte{refresh, frameFor(b, macC, "Ethernet8", 120, macC)}
	newAgent := func(b *testing.B) *Agent {
		a, err := New(c1Config(), t0)
		if err != nil {
			b.Fatal(err)
		}
		a.PortOper("Ethernet8", true, t0)
		a.Frames()
		return a
	}
	b.Run("refresh", func(b *testing.B) {
		a := newAgent(b)
		now := t0
		b.ReportAllocs()
		for b.Loop() {
			now = now.Add(time.Millisecond)
			if err := a.Receive("Ethernet8", refresh, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("change", func(b *testing.B) {
		a := newAgent(b)
		now := t0
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			now = now.Add(time.Millisecond)
			if err := a.Receive("Ethernet8", flip[i&1], now); err != nil {
				b.Fatal(err)
			}
			i++
			a.Changes()
		}
	})
}
