// Command vecsimbench is the Go side of bench/vecsim.sh: it times vecsim's
// Flat and Int8Index on the .npy data written by vecsim_faiss.py and prints
// them next to the FAISS / numpy timings (JSON lines on -anchor) with ratios.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jretrieve/jretrieve/vecsim"
	"github.com/viterin/vek/vek32"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

type anchor struct {
	Threads      int     `json:"threads"`
	FaissBatch   float64 `json:"faiss_batch_s"`
	FaissBatchQ  int     `json:"batch_extrapolated_from"`
	FaissCPU     float64 `json:"faiss_batch_cpu_s"`
	NumpyMatvec  float64 `json:"numpy_matvec_s"`
	FaissSingle  float64 `json:"faiss_single_s"`
	FaissVersion string  `json:"faiss"`
}

// Machine limits from issue 4 (Zen 5, 2 vCPUs of one core).
// peakCPU is the FMA probe's GFLOP per CPU-second.
var peakCPU float64

var (
	peakGFLOPS = map[int]float64{1: 205, 2: 405}
	peakGBs    = map[int]float64{1: 30, 2: 52}
)

func main() {
	dir := flag.String("dir", "", "directory with docs.npy and queries.npy")
	anchors := flag.String("anchor", "", "JSON lines from vecsim_faiss.py run")
	threadList := flag.String("threads", "1,2", "thread counts")
	reps := flag.Int("reps", 9, "single-query repetitions (median)")
	flag.Parse()
	if err := run(*dir, *anchors, *threadList, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "vecsimbench:", err)
		os.Exit(1)
	}
}

func median(ts []time.Duration) time.Duration {
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	return ts[len(ts)/2]
}

func run(dir, anchorPath, threadList string, reps int) error {
	docs, err := vecsim.ReadNPYFile(dir + "/docs.npy")
	if err != nil {
		return err
	}
	qs, err := vecsim.ReadNPYFile(dir + "/queries.npy")
	if err != nil {
		return err
	}
	anch := map[int]anchor{}
	if anchorPath != "" {
		f, err := os.Open(anchorPath)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var a anchor
			if err := json.Unmarshal(sc.Bytes(), &a); err == nil && a.Threads > 0 {
				anch[a.Threads] = a
			}
		}
		f.Close()
	}
	n, dim := docs.Rows, docs.Dim
	flat := vecsim.NewFlat(dim)
	if err := flat.AddBatch(nil, docs); err != nil {
		return err
	}
	i8 := vecsim.NewInt8Index(flat, vecsim.ScalePerDim)
	runtime.GC()
	debug.FreeOSMemory()
	fmt.Printf("vecsim bench: N=%d Q=%d D=%d kernels=%s GOMAXPROCS=%d\n", n, qs.Rows, dim, vecsim.Accelerated(), runtime.GOMAXPROCS(0))
	fmt.Printf("limits (issue 4): %v GFLOP/s, %v GB/s by thread count\n\n", peakGFLOPS, peakGBs)
	// In-process anchors that need no Python: streaming bandwidth right now
	// (vek32.Sum, AVX2, 1 thread), gonum's native Sgemm (+ vecsim.TopK) and
	// vek32.Dot per document. They make the ratios meaningful on a busy or
	// OpenBLAS-less machine.
	probe := docs.Data[:min(len(docs.Data), 1<<28)]
	var pt []time.Duration
	for r := 0; r < 5; r++ {
		t0 := time.Now()
		vek32.Sum(probe)
		pt = append(pt, time.Since(t0))
	}
	probeGBs := float64(len(probe)) * 4 / median(pt).Seconds() / 1e9
	fmt.Printf("streaming read probe now (vek32.Sum over %d MB, 1 thread): %.1f GB/s\n", len(probe)*4>>20, probeGBs)
	c0 := cpuTime()
	t0 := time.Now()
	if fl := peakProbe(50_000_000); fl > 0 {
		w, c := time.Since(t0).Seconds(), cpuTime()-c0
		peakCPU = fl / c / 1e9
		fmt.Printf("FMA peak probe now (AVX-512, 1 thread): %.0f GFLOP/s wall, %.0f GFLOP per CPU-second\n", fl/w/1e9, peakCPU)
	}
	fmt.Println()
	fmt.Printf("%-34s %3s %12s %12s %8s  %s\n", "task", "thr", "anchor", "vecsim", "speedup", "vecsim throughput")
	for _, ts := range strings.Split(threadList, ",") {
		t, err := strconv.Atoi(strings.TrimSpace(ts))
		if err != nil {
			return fmt.Errorf("bad -threads %q", threadList)
		}
		a := anch[t]
		// Batch top-10.
		c0 := cpuTime()
		t0 := time.Now()
		res := flat.SearchBatch(qs, 10, t)
		batch := time.Since(t0).Seconds()
		bcpu := cpuTime() - c0
		gf := 2 * float64(qs.Rows) * float64(n) * float64(dim) / batch / 1e9
		fmt.Printf("%-34s %3d %11.3fs %11.3fs %7.2fx  %.0f GFLOP/s = %.2f of %v\n", "batch top-10 vs FAISS IndexFlatIP", t,
			a.FaissBatch, batch, ratio(a.FaissBatch, batch), gf, gf/peakGFLOPS[t], peakGFLOPS[t])
		gfc := 2 * float64(qs.Rows) * float64(n) * float64(dim) / bcpu / 1e9
		fmt.Printf("%-34s %3d %11.3fs %11.3fs %7.2fx  %.0f GFLOP per CPU-second = %.2f of the FMA probe\n", "  same, CPU seconds (all threads)", t,
			a.FaissCPU, bcpu, ratio(a.FaissCPU, bcpu), gfc, gfc/peakCPU)
		if a.FaissBatchQ > 0 && a.FaissBatchQ < qs.Rows {
			fmt.Printf("%-34s %3d FAISS time scaled from its first %d queries\n", "", t, a.FaissBatchQ)
		}
		if ids, err := readIDs(fmt.Sprintf("%s/faiss_ids_t%d.npy", dir, t)); err == nil {
			fmt.Printf("%-34s %3d %s\n", "  agreement with FAISS top-10", t, agreement(res, ids))
		}
		// gonum Sgemm batch anchor on the first 96 queries.
		{
			sub := vecsim.Matrix{Rows: min(96, qs.Rows), Dim: dim, Data: qs.Data[:min(96, qs.Rows)*dim]}
			prev := runtime.GOMAXPROCS(t)
			g := gonumBatch(sub, docs, 10)
			runtime.GOMAXPROCS(prev)
			t0 := time.Now()
			flat.SearchBatch(sub, 10, t)
			o := time.Since(t0).Seconds()
			gf := 2 * float64(sub.Rows) * float64(n) * float64(dim) / o / 1e9
			fmt.Printf("%-34s %3d %11.3fs %11.3fs %7.2fx  %.0f GFLOP/s (%d queries)\n", "batch top-10 vs gonum Sgemm+TopK", t, g, o, g/o, gf, sub.Rows)
		}
		// Single query, float32, interleaved with the streaming probe so
		// both see the same machine load.
		flat.Threads = t
		var st, pst []time.Duration
		var fr []float64
		for r := 0; r < reps; r++ {
			p0 := time.Now()
			vek32.Sum(probe)
			pd := time.Since(p0)
			q := qs.Row(r % qs.Rows)
			t0 := time.Now()
			flat.Search(q, 10)
			d := time.Since(t0)
			st, pst = append(st, d), append(pst, pd)
			fr = append(fr, (float64(n)*float64(dim)*4/d.Seconds())/(float64(len(probe))*4/pd.Seconds()))
		}
		sort.Float64s(fr)
		single := median(st).Seconds()
		bytes := float64(n) * float64(dim) * 4
		fmt.Printf("%-34s %3d %10.1fms %10.1fms %7.2fx  %.1f GB/s = %.2f of %v\n", "single query vs numpy matvec", t,
			a.NumpyMatvec*1e3, single*1e3, ratio(a.NumpyMatvec, single), bytes/single/1e9, bytes/single/1e9/peakGBs[t], peakGBs[t])
		fmt.Printf("%-34s %3d %10.1fms %10.1fms %7.2fx\n", "single query vs FAISS search(1)", t,
			a.FaissSingle*1e3, single*1e3, ratio(a.FaissSingle, single))
		if t == 1 {
			st = st[:0]
			scores := make([]float32, n)
			for r := 0; r < min(reps, 5); r++ {
				q := qs.Row(r % qs.Rows)
				t0 := time.Now()
				for i := range scores {
					scores[i] = vek32.Dot(q, docs.Row(i))
				}
				vecsim.TopK(scores, 10)
				st = append(st, time.Since(t0))
			}
			v := median(st).Seconds()
			fmt.Printf("%-34s %3d %10.1fms %10.1fms %7.2fx\n", "single query vs vek32.Dot+TopK", t, v*1e3, single*1e3, v/single)
		}
		pg := float64(len(probe)) * 4 / median(pst).Seconds() / 1e9
		fmt.Printf("%-34s %3d %9.1fGB/s %9.1fGB/s %7.2f   (median of per-rep fractions of the 1-thread probe)\n", "single query vs streaming probe", t, pg, bytes/single/1e9, fr[len(fr)/2])
		// Single query, int8 (with and without rescoring), each rep
		// interleaved with a float32 query so the ratio sees one load.
		for _, rescore := range []int{0, 100} {
			var s8t, f32t []time.Duration
			for r := 0; r < reps; r++ {
				q := qs.Row(r % qs.Rows)
				t0 := time.Now()
				flat.Search(q, 10)
				f32t = append(f32t, time.Since(t0))
				t0 = time.Now()
				i8.SearchBatch(vecsim.Matrix{Rows: 1, Dim: dim, Data: q}, 10, rescore, t)
				s8t = append(s8t, time.Since(t0))
			}
			s8, f32 := median(s8t).Seconds(), median(f32t).Seconds()
			b8 := float64(n) * float64((dim+3)/4*4)
			fmt.Printf("%-34s %3d %10.1fms %10.1fms %7.2fx  %.1f GB/s = %.2f of %v\n", fmt.Sprintf("int8 (rescore %d) vs vecsim fp32", rescore), t,
				f32*1e3, s8*1e3, f32/s8, b8/s8/1e9, b8/s8/1e9/peakGBs[t], peakGBs[t])
		}
		flat.Threads = 0
	}
	return nil
}

// gonumBatch times gonum's Sgemm over blocks of 4096 documents followed by
// vecsim.TopK per query, and returns seconds.
func gonumBatch(q, docs vecsim.Matrix, k int) float64 {
	const bs = 4096
	c := make([]float32, q.Rows*bs)
	t0 := time.Now()
	best := make([][]vecsim.Hit, q.Rows)
	for d0 := 0; d0 < docs.Rows; d0 += bs {
		nb := min(bs, docs.Rows-d0)
		a := blas32.General{Rows: q.Rows, Cols: q.Dim, Stride: q.Dim, Data: q.Data}
		b := blas32.General{Rows: nb, Cols: docs.Dim, Stride: docs.Dim, Data: docs.Data[d0*docs.Dim : (d0+nb)*docs.Dim]}
		cc := blas32.General{Rows: q.Rows, Cols: nb, Stride: nb, Data: c[:q.Rows*nb]}
		blas32.Gemm(blas.NoTrans, blas.Trans, 1, a, b, 0, cc)
		for i := 0; i < q.Rows; i++ {
			h := vecsim.TopK(cc.Data[i*nb:(i+1)*nb], k)
			for j := range h {
				h[j].Index += d0
			}
			best[i] = mergeHits(best[i], h, k)
		}
	}
	return time.Since(t0).Seconds()
}

func mergeHits(a, b []vecsim.Hit, k int) []vecsim.Hit {
	all := append(append([]vecsim.Hit{}, a...), b...)
	sort.Slice(all, func(i, j int) bool {
		if all[i].Score != all[j].Score {
			return all[i].Score > all[j].Score
		}
		return all[i].Index < all[j].Index
	})
	return all[:min(k, len(all))]
}

// cpuTime returns the process's user+system CPU seconds.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func ratio(anchor, ours float64) float64 {
	if anchor == 0 || ours == 0 {
		return 0
	}
	return anchor / ours
}

// readIDs reads an int64 .npy of FAISS ids (Q x 10) with a minimal parser.
func readIDs(path string) ([][]int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" || b[6] != 1 {
		return nil, fmt.Errorf("%s: not a v1 npy", path)
	}
	hl := int(b[8]) | int(b[9])<<8
	hdr := string(b[10 : 10+hl])
	if !strings.Contains(hdr, "'<i8'") {
		return nil, fmt.Errorf("%s: not int64", path)
	}
	var q, k int
	if _, err := fmt.Sscanf(hdr[strings.Index(hdr, "'shape': (")+10:], "%d, %d)", &q, &k); err != nil {
		return nil, fmt.Errorf("%s: shape: %w", path, err)
	}
	data := b[10+hl:]
	if len(data) != q*k*8 {
		return nil, fmt.Errorf("%s: size mismatch", path)
	}
	out := make([][]int64, q)
	for i := range out {
		out[i] = make([]int64, k)
		for j := range out[i] {
			o := (i*k + j) * 8
			var v uint64
			for s := 0; s < 8; s++ {
				v |= uint64(data[o+s]) << (8 * s)
			}
			out[i][j] = int64(v)
		}
	}
	return out, nil
}

func agreement(res [][]vecsim.Result, ids [][]int64) string {
	same, total := 0, 0
	for i := range res {
		if i >= len(ids) {
			break
		}
		set := map[int64]bool{}
		for _, x := range ids[i] {
			set[x] = true
		}
		for _, r := range res[i] {
			total++
			if set[int64(r.Index)] {
				same++
			}
		}
	}
	return fmt.Sprintf("%d/%d ids shared (%.4f)", same, total, float64(same)/float64(max(total, 1)))
}
