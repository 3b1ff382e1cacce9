package jatext

import (
	"reflect"
	"strings"
	"testing"
)

func TestRoffText(t *testing.T) {
	src := `.\" comment
.TH LS 1
.SH 名前
ls \- ディレクトリの内容を一覧表示する
.SH 書式
.B ls
[\fIオプション\fR]... [\fIファイル\fR]...
.PP
\fBls\fP は、ファイルの情報を表示する。\(em 例えば
English only line
.BR ls (1)
`
	got := RoffText(strings.NewReader(src))
	want := []string{
		"名前",
		"ls - ディレクトリの内容を一覧表示する",
		"書式",
		"[オプション]... [ファイル]...",
		"ls は、ファイルの情報を表示する。 例えば",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
