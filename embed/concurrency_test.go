package embed_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

// Several models loaded at once, each used from several goroutines, must
// give the same vectors as sequential calls.
func TestConcurrentModels(t *testing.T) {
	ctx := context.Background()
	for _, be := range backends(t) {
		var models []*embed.Model
		var texts [][]string
		var want [][]float32
		for _, name := range []string{"bert-tiny", "xlmr-tiny", "modernbert-tiny"} {
			ref, err := onnxtest.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			m, err := embed.Open(ctx, onnxtest.Dir(name), embed.WithBackend(be), embed.WithBatchSize(4))
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			var ts []string
			for _, it := range ref.Items {
				if it.Kind == "document" {
					ts = append(ts, it.Text)
				}
			}
			w, err := m.EmbedDocuments(ctx, ts)
			if err != nil {
				t.Fatal(err)
			}
			models, texts, want = append(models, m), append(texts, ts), append(want, w)
		}
		var wg sync.WaitGroup
		errs := make(chan string, 64)
		for g := range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k := g % len(models)
				got, err := models[k].EmbedDocuments(ctx, texts[k])
				if err != nil {
					errs <- err.Error()
					return
				}
				for i := range got {
					if got[i] != want[k][i] {
						errs <- "concurrent result differs from sequential"
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("%s: %s", be, e)
		}
	}
}
