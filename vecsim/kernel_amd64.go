//go:build amd64 && !purego

package vecsim

import (
	"math"
	"os"
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:noescape
func kernTileAVX512(qp, dp *float32, dim int, tile *float32, rowmax *float32)

//go:noescape
func kernSingleAVX512(q, dp *float32, dim int, tile *float32, rowmax *float32)

//go:noescape
func kernPanelQ8AVX512(qs *[8]*float32, dp *float32, dim int, out *float32)

//go:noescape
func dotAccumAVX512(a, b *float32, n int, acc *[dotLanes]float32)

//go:noescape
func int8PanelsVNNI(q *int8, codes *uint8, groups int, npanels int, out *int32)

//go:noescape
func int8Panels4QVNNI(q *int8, codes *uint8, groups int, npanels int, out *int32, outStride int)

//go:noescape
func dotAVX512(a, b *float32, n int, masks *[4]uint16) float32

//go:noescape
func kernTileAVX2(qp, dp *float32, dim int, tile *float32)

//go:noescape
func kernSingleAVX2(q, dp *float32, dim int, tile *float32)

//go:noescape
func dotAccumAVX2(a, b *float32, n int, acc *[dotLanes]float32)

// kernelSet is one implementation of the float32 and int8 kernels.
type kernelSet struct {
	name       string
	kernTile   func(qp, dp []float32, dim int, tile *[tileLen]float32, rowmax *[kernQ]float32)
	kernSingle func(q, dp []float32, dim int, tile *[blockDocs]float32, rowmax *float32)
	dotAccum   func(a, b []float32, acc *[dotLanes]float32)
	dot        func(a, b []float32) float32                           // whole Dot, nil: dotAccum + Go
	int8Dots   func(q []int8, codes []uint8, stride int, out []int32) // nil: generic
}

var (
	hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && cpu.X86.HasAVX512DQ
	hasVNNI   = hasAVX512 && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VNNI
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

// kernelSets lists the assembly implementations this CPU supports, best
// first.
func kernelSets() []kernelSet {
	var s []kernelSet
	if hasAVX512 {
		k := kernelSet{name: "avx512", kernTile: kernTileAsm512, kernSingle: kernSingleAsm512, dotAccum: dotAccumAsm512, dot: dotAsm512}
		if hasVNNI {
			k.name = "avx512+vnni"
			k.int8Dots = int8DotsAsm
		}
		s = append(s, k)
	}
	if hasAVX2 {
		s = append(s, kernelSet{name: "avx2", kernTile: kernTileAsm2, kernSingle: kernSingleAsm2, dotAccum: dotAccumAsm2})
	}
	return s
}

// dotLevel selects the Dot kernel: 0 generic, 1 AVX2, 2 AVX-512. A switch
// (not a func value) keeps the accumulator array on the caller's stack.
var (
	dotLevel    = 0
	accelerated = "generic"
)

// init picks the best supported kernels. JRETRIEVE_VECSIM=generic or avx2
// forces a lower level (results are identical; only speed changes).
func init() {
	want := os.Getenv("JRETRIEVE_VECSIM")
	if want == "generic" {
		return
	}
	for _, k := range kernelSets() {
		if want == "avx2" && k.name != "avx2" {
			continue
		}
		kernTile, kernSingle, accelerated = k.kernTile, k.kernSingle, k.name
		if k.name != "avx2" {
			kernPanelQ8, rescorePanels = kernPanelQ8Asm512, true
		}
		dotLevel = 2
		if k.name == "avx2" {
			dotLevel = 1
		}
		if k.int8Dots != nil {
			int8Dots = k.int8Dots
			int8Dots4 = int8Dots4Asm
		}
		return
	}
}

// dotFast returns Dot(a, b) from a whole-Dot assembly kernel, or false.
func dotFast(a, b []float32) (float32, bool) {
	if dotLevel == 2 && len(a) > 0 {
		return dotAsm512(a, b), true
	}
	return 0, false
}

// dotAccum fills acc with the 64 partial sums of a·b (len(a) a positive
// multiple of 64; acc is overwritten).
func dotAccum(a, b []float32, acc *[dotLanes]float32) {
	switch dotLevel {
	case 2:
		_ = b[len(a)-1]
		dotAccumAVX512(unsafe.SliceData(a), unsafe.SliceData(b), len(a), acc)
	case 1:
		_ = b[len(a)-1]
		dotAccumAVX2(unsafe.SliceData(a), unsafe.SliceData(b), len(a), acc)
	default:
		*acc = [dotLanes]float32{}
		dotAccumGeneric(a, b, acc)
	}
}

// Accelerated reports which kernel implementation is in use: "avx512+vnni",
// "avx512", "avx2" or "generic".
func Accelerated() string { return accelerated }

func kernTileAsm512(qp, dp []float32, dim int, tile *[tileLen]float32, rowmax *[kernQ]float32) {
	_ = qp[kernQ*dim-1]
	_ = dp[blockDocs*dim-1]
	kernTileAVX512(&qp[0], &dp[0], dim, &tile[0], &rowmax[0])
}

// kernPanelQ8Asm512 runs kernPanelQ8AVX512; empty query slots reuse the
// first query's pointer and their scores are discarded.
func kernPanelQ8Asm512(qs *[8][]float32, dp []float32, dim int, out *[8][panelW]float32) {
	var ps [8]*float32
	first := -1
	for i, q := range qs {
		if q != nil {
			_ = q[dim-1]
			ps[i] = &q[0]
			if first < 0 {
				first = i
			}
		}
	}
	if first < 0 {
		return
	}
	for i := range ps {
		if ps[i] == nil {
			ps[i] = ps[first]
		}
	}
	_ = dp[panelW*dim-1]
	var tmp [8][panelW]float32
	kernPanelQ8AVX512(&ps, &dp[0], dim, &tmp[0][0])
	for i, q := range qs {
		if q != nil {
			out[i] = tmp[i]
		}
	}
}

func kernSingleAsm512(q, dp []float32, dim int, tile *[blockDocs]float32, rowmax *float32) {
	_ = q[dim-1]
	_ = dp[blockDocs*dim-1]
	kernSingleAVX512(&q[0], &dp[0], dim, &tile[0], rowmax)
}

// dotAsm512 computes Dot (len(a) > 0, equal lengths) entirely in assembly.
func dotAsm512(a, b []float32) float32 {
	n := len(a)
	_ = b[n-1]
	t := n & (dotLanes - 1)
	var m [4]uint16
	for r := range m {
		c := min(max(t-16*r, 0), 16)
		m[r] = uint16(1<<c - 1)
	}
	return dotAVX512(unsafe.SliceData(a), unsafe.SliceData(b), n, &m)
}

func dotAccumAsm512(a, b []float32, acc *[dotLanes]float32) {
	_ = b[len(a)-1]
	dotAccumAVX512(unsafe.SliceData(a), unsafe.SliceData(b), len(a), acc)
}

func kernTileAsm2(qp, dp []float32, dim int, tile *[tileLen]float32, rowmax *[kernQ]float32) {
	_ = qp[kernQ*dim-1]
	_ = dp[blockDocs*dim-1]
	kernTileAVX2(&qp[0], &dp[0], dim, &tile[0])
	for q := range rowmax {
		rowmax[q] = maxNonNaN(tile[q*blockDocs : (q+1)*blockDocs])
	}
}

func kernSingleAsm2(q, dp []float32, dim int, tile *[blockDocs]float32, rowmax *float32) {
	_ = q[dim-1]
	_ = dp[blockDocs*dim-1]
	kernSingleAVX2(&q[0], &dp[0], dim, &tile[0])
	*rowmax = maxNonNaN(tile[:])
}

func dotAccumAsm2(a, b []float32, acc *[dotLanes]float32) {
	_ = b[len(a)-1]
	dotAccumAVX2(unsafe.SliceData(a), unsafe.SliceData(b), len(a), acc)
}

func maxNonNaN(s []float32) float32 {
	m := float32(math.Inf(-1))
	for _, x := range s {
		if x > m {
			m = x
		}
	}
	return m
}

func int8DotsAsm(q []int8, codes []uint8, stride int, out []int32) {
	np := len(out) / panelW
	if np == 0 {
		return
	}
	_ = q[stride-1]
	_ = codes[np*panelW*stride-1]
	int8PanelsVNNI(&q[0], &codes[0], stride/4, np, &out[0])
}

// int8Dots4Asm is int8Dots4 on VNNI: whole groups of four panels through
// the four-query kernel, the remaining panels query by query.
func int8Dots4Asm(qs *[4][]int8, q4 []int8, codes []uint8, stride int, out *[4][]int32) {
	np := len(out[0]) / panelW
	np4 := np / 4 * 4
	if np4 > 0 {
		_ = q4[4*stride-1]
		_ = codes[np4*panelW*stride-1]
		for i := range out {
			_ = out[i][np4*panelW-1]
		}
		stride4 := int(uintptr(unsafe.Pointer(unsafe.SliceData(out[1]))) - uintptr(unsafe.Pointer(unsafe.SliceData(out[0]))))
		if stride4 > 0 && unsafe.SliceData(out[2]) == (*int32)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(out[1])), stride4)) &&
			unsafe.SliceData(out[3]) == (*int32)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(out[2])), stride4)) {
			int8Panels4QVNNI(&q4[0], &codes[0], stride/4, np4, &out[0][0], stride4)
		} else {
			for i := range out {
				int8DotsAsm(qs[i], codes[:np4*panelW*stride], stride, out[i][:np4*panelW])
			}
		}
	}
	if np4 < np {
		for i := range out {
			int8DotsAsm(qs[i], codes[np4*panelW*stride:], stride, out[i][np4*panelW:np*panelW])
		}
	}
}
