// Command llamabench times jretrieve's converted Llama graphs side by side
// on ONNX Runtime (issue 13): the plain graph against the fused one
// (GroupQueryAttention, SimplifiedLayerNormalization), and optionally the
// int8 forms, on a mid-size random-weight Llama decoder written here
// (hidden 1024, 8 layers, 16 query heads over 4 key/value heads, SwiGLU
// 2816). Each round runs every form once on the same batch (interleaved,
// so load changes on a shared machine hit all forms alike); it prints the
// median and minimum process CPU time and the median wall time per form
// and the ratios to the first form (plain),
// then the cosine of each form's token vectors to plain's on a
// right-padded batch of mixed lengths (non-pad positions only).
//
//	go run ./bench/llamabench -dir ~/.cache/jretrieve/bench-llama
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/convert"
	"github.com/jretrieve/jretrieve/onnx/ort"
	"github.com/jretrieve/jretrieve/vecsim"
)

type llama struct {
	Hidden, Layers, Heads, KVHeads, Inter, Vocab, MaxPos int
}

func main() {
	dir := flag.String("dir", filepath.Join(os.TempDir(), "jretrieve-bench-llama"), "where the checkpoint and graphs go")
	batch := flag.Int("batch", 8, "batch size")
	seq := flag.Int("seq", 128, "sequence length")
	rounds := flag.Int("rounds", 5, "interleaved timing rounds (after one warm-up)")
	threads := flag.Int("threads", 1, "ONNX Runtime intra-op threads")
	forms := flag.String("forms", "plain,fused", "graph forms: plain, fused, plain-int8, fused-int8")
	flag.Parse()
	cfg := llama{Hidden: 1024, Layers: 8, Heads: 16, KVHeads: 4, Inter: 2816, Vocab: 1000, MaxPos: 512}
	if err := run(*dir, cfg, *batch, *seq, *rounds, *threads, strings.Split(*forms, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "llamabench:", err)
		os.Exit(1)
	}
}

func run(dir string, cfg llama, batch, seq, rounds, threads int, forms []string) error {
	ckpt := filepath.Join(dir, "checkpoint")
	if _, err := os.Stat(filepath.Join(ckpt, "model.safetensors")); err != nil {
		if err := writeCheckpoint(ckpt, cfg); err != nil {
			return err
		}
	}
	ctx := context.Background()
	encs := make([]onnx.Encoder, len(forms))
	for i, f := range forms {
		opts := convert.Options{Graph: convert.GraphPlain, Quantize: convert.QuantNone}
		g, q, _ := strings.Cut(f, "-")
		opts.Graph = g
		if q != "" {
			opts.Quantize = q
		}
		out := filepath.Join(dir, f)
		if _, err := os.Stat(filepath.Join(out, "model.onnx")); err != nil {
			if _, err := convert.Convert(ctx, ckpt, out, opts); err != nil {
				return err
			}
		}
		e, err := ort.Open(filepath.Join(out, "model.onnx"), onnx.Options{Threads: threads})
		if err != nil {
			return err
		}
		defer e.Close()
		encs[i] = e
	}
	rng := rand.New(rand.NewPCG(1, 2))
	full := makeBatch(rng, cfg.Vocab, slices.Repeat([]int{seq}, batch))
	cpu := make([][]float64, len(forms))
	wall := make([][]float64, len(forms))
	for r := range rounds + 1 {
		for i, e := range encs {
			c0, w0 := cpuSeconds(), time.Now()
			if _, err := e.Run(ctx, full); err != nil {
				return fmt.Errorf("%s: %w", forms[i], err)
			}
			if r > 0 {
				cpu[i] = append(cpu[i], cpuSeconds()-c0)
				wall[i] = append(wall[i], time.Since(w0).Seconds())
			}
		}
	}
	host, _ := os.Hostname()
	fmt.Printf("# %s llama hidden %d, %d layers, %d heads / %d kv heads, head_dim %d, intermediate %d; batch %dx%d, %d thread(s), %d rounds interleaved (median), host %s (shared machine)\n",
		time.Now().UTC().Format(time.RFC3339), cfg.Hidden, cfg.Layers, cfg.Heads, cfg.KVHeads, cfg.Hidden/cfg.Heads, cfg.Inter, batch, seq, threads, rounds, host)
	fmt.Printf("form\tcpu_s_median\tcpu_s_min\twall_s_median\t%s/form (median cpu)\t%s/form (min cpu)\n", forms[0], forms[0])
	for i, f := range forms {
		fmt.Printf("%s\t%.3f\t%.3f\t%.3f\t%.2f\t%.2f\n", f, median(cpu[i]), slices.Min(cpu[i]), median(wall[i]),
			median(cpu[0])/median(cpu[i]), slices.Min(cpu[0])/slices.Min(cpu[i]))
	}
	// Quality: right-padded batch of mixed lengths, cosine per non-pad
	// token vector to the first form.
	lens := make([]int, batch)
	for i := range lens {
		lens[i] = seq - i*seq/(2*batch)
	}
	padded := makeBatch(rng, cfg.Vocab, lens)
	var ref []float32
	for i, e := range encs {
		out, err := e.Run(ctx, padded)
		if err != nil {
			return err
		}
		if i == 0 {
			ref = out.Data
			continue
		}
		h := cfg.Hidden
		minc, sum, n := 1.0, 0.0, 0
		for b, l := range lens {
			for t := range l {
				k := (b*seq + t) * h
				c := float64(vecsim.Cosine(ref[k:k+h], out.Data[k:k+h]))
				minc, sum, n = math.Min(minc, c), sum+c, n+1
			}
		}
		fmt.Printf("# %s vs %s on a right-padded batch (lengths %v): cosine min %.6f mean %.6f\n", forms[i], forms[0], lens, minc, sum/float64(n))
	}
	return nil
}

func makeBatch(rng *rand.Rand, vocab int, lens []int) *onnx.Batch {
	seq := slices.Max(lens)
	b := &onnx.Batch{Size: len(lens), SeqLen: seq, PadID: 0, InputIDs: make([]int64, len(lens)*seq), AttentionMask: make([]int64, len(lens)*seq)}
	for i, l := range lens {
		for t := range l {
			b.InputIDs[i*seq+t] = int64(1 + rng.IntN(vocab-1))
			b.AttentionMask[i*seq+t] = 1
		}
	}
	return b
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return s[len(s)/2]
}

// writeCheckpoint writes config.json and model.safetensors of a random
// LlamaModel (seeded: matrices N(0, 0.02), norm weights around 1).
func writeCheckpoint(dir string, c llama) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	hd := c.Hidden / c.Heads
	conf := map[string]any{
		"architectures": []string{"LlamaModel"}, "model_type": "llama", "hidden_size": c.Hidden,
		"num_hidden_layers": c.Layers, "num_attention_heads": c.Heads, "num_key_value_heads": c.KVHeads,
		"intermediate_size": c.Inter, "vocab_size": c.Vocab, "max_position_embeddings": c.MaxPos,
		"rms_norm_eps": 1e-5, "rope_theta": 10000.0, "hidden_act": "silu", "attention_bias": false,
		"mlp_bias": false, "pretraining_tp": 1, "tie_word_embeddings": false,
	}
	cj, err := json.MarshalIndent(conf, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), cj, 0o644); err != nil {
		return err
	}
	type tensor struct {
		name  string
		shape []int
		norm  bool
	}
	ts := []tensor{{"embed_tokens.weight", []int{c.Vocab, c.Hidden}, false}, {"norm.weight", []int{c.Hidden}, true}}
	for i := range c.Layers {
		p := fmt.Sprintf("layers.%d.", i)
		ts = append(ts,
			tensor{p + "input_layernorm.weight", []int{c.Hidden}, true},
			tensor{p + "post_attention_layernorm.weight", []int{c.Hidden}, true},
			tensor{p + "self_attn.q_proj.weight", []int{c.Heads * hd, c.Hidden}, false},
			tensor{p + "self_attn.k_proj.weight", []int{c.KVHeads * hd, c.Hidden}, false},
			tensor{p + "self_attn.v_proj.weight", []int{c.KVHeads * hd, c.Hidden}, false},
			tensor{p + "self_attn.o_proj.weight", []int{c.Hidden, c.Heads * hd}, false},
			tensor{p + "mlp.gate_proj.weight", []int{c.Inter, c.Hidden}, false},
			tensor{p + "mlp.up_proj.weight", []int{c.Inter, c.Hidden}, false},
			tensor{p + "mlp.down_proj.weight", []int{c.Hidden, c.Inter}, false})
	}
	header := map[string]any{}
	off := 0
	for _, t := range ts {
		n := 1
		for _, d := range t.shape {
			n *= d
		}
		header[t.name] = map[string]any{"dtype": "F32", "shape": t.shape, "data_offsets": []int{off, off + 4*n}}
		off += 4 * n
	}
	hj, err := json.Marshal(header)
	if err != nil {
		return err
	}
	for len(hj)%8 != 0 {
		hj = append(hj, ' ')
	}
	tmp := filepath.Join(dir, "model.safetensors.tmp")
	fh, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer fh.Close()
	var n8 [8]byte
	binary.LittleEndian.PutUint64(n8[:], uint64(len(hj)))
	fh.Write(n8[:])
	fh.Write(hj)
	rng := rand.New(rand.NewPCG(7, 11))
	for _, t := range ts {
		n := 1
		for _, d := range t.shape {
			n *= d
		}
		buf := make([]byte, 4*n)
		for i := range n {
			v := 0.02 * rng.NormFloat64()
			if t.norm {
				v = 1 + 10*v
			}
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(float32(v)))
		}
		if _, err := fh.Write(buf); err != nil {
			return err
		}
	}
	if err := fh.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "model.safetensors"))
}
