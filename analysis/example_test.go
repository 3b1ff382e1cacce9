package analysis_test

import (
	"fmt"
	"strings"

	"github.com/jretrieve/jretrieve/analysis"
)

func ExampleAnalyzer_Wakati() {
	a, err := analysis.New(analysis.Options{Dict: analysis.IPA})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Join(a.Wakati("すもももももももものうち。"), " "))
	// Output: すもも も もも も もも の うち 。
}

func ExampleAnalyzer_Tokens() {
	a, err := analysis.New(analysis.Options{
		Dict:     analysis.IPA,
		NFKC:     true,
		BaseForm: true,
		DropPOS:  []string{"助詞", "記号"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Tokens("東京都に住んでいる。"))
	// Output: [東京 都 住む いる]
}
