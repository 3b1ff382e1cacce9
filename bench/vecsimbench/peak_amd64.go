package main

import "golang.org/x/sys/cpu"

//go:noescape
func fmaPeak(n int)

// peakProbe runs the AVX-512 FMA loop and returns flops, or 0 without
// AVX-512.
func peakProbe(n int) float64 {
	if !cpu.X86.HasAVX512F {
		return 0
	}
	fmaPeak(n)
	return float64(n) * 12 * 16 * 2
}
