//go:build amd64 && !purego

package vecsim

import (
	"os"
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:noescape
func kernTileAVX512(qp, dp *float32, dim int, tile *float32, rowmax *float32)

//go:noescape
func kernSingleAVX512(q, dp *float32, dim int, tile *float32, rowmax *float32)

//go:noescape
func dotAccumAVX512(a, b *float32, n int, acc *[dotLanes]float32)

//go:noescape
func int8PanelsVNNI(q *int8, codes *uint8, groups int, npanels int, out *int32)

var (
	hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && cpu.X86.HasAVX512DQ &&
		os.Getenv("JRETRIEVE_VECSIM_GENERIC") == ""
	hasVNNI = hasAVX512 && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VNNI
)

func init() {
	if hasAVX512 {
		kernTile = kernTileAsm
		kernSingle = kernSingleAsm
	}
	if hasVNNI {
		int8Dots = int8DotsAsm
	}
}

func kernTileAsm(qp, dp []float32, dim int, tile *[tileLen]float32, rowmax *[kernQ]float32) {
	_ = qp[kernQ*dim-1]
	_ = dp[blockDocs*dim-1]
	kernTileAVX512(&qp[0], &dp[0], dim, &tile[0], &rowmax[0])
}

func kernSingleAsm(q, dp []float32, dim int, tile *[blockDocs]float32, rowmax *float32) {
	_ = q[dim-1]
	_ = dp[blockDocs*dim-1]
	kernSingleAVX512(&q[0], &dp[0], dim, &tile[0], rowmax)
}

func int8DotsAsm(q []int8, codes []uint8, stride int, out []int32) {
	if len(out) == 0 {
		return
	}
	np := len(out) / panelW
	if np == 0 {
		return
	}
	_ = q[stride-1]
	_ = codes[np*panelW*stride-1]
	int8PanelsVNNI(&q[0], &codes[0], stride/4, np, &out[0])
}

func dotAccum(a, b []float32, acc *[dotLanes]float32) {
	if !hasAVX512 {
		dotAccumGeneric(a, b, acc)
		return
	}
	_ = b[len(a)-1]
	dotAccumAVX512(unsafe.SliceData(a), unsafe.SliceData(b), len(a), acc)
}

// Accelerated reports which kernel implementation is in use: "avx512",
// "avx512+vnni" or "generic".
func Accelerated() string {
	switch {
	case hasVNNI:
		return "avx512+vnni"
	case hasAVX512:
		return "avx512"
	}
	return "generic"
}
