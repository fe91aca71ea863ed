import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitiseDescription } from './sanitise-description.ts';

describe('sanitiseDescription', () => {
  const cases: [string, string | null, string | null][] = [
    ['null stays null', null, null],
    ['markup only becomes null', '<br><br>\n', null],
    [
      "AniList's usual <br> and <i>",
      'Several hundred years ago, humans were nearly exterminated by titans.<br><br>\n<i>(Source: Kodansha USA)</i>',
      'Several hundred years ago, humans were nearly exterminated by titans.\n\n(Source: Kodansha USA)',
    ],
    ['entities decode', 'Tom &amp; Jerry &quot;&#39;&#x41;&#66;&quot; &hellip; caf&eacute;', 'Tom & Jerry "\'AB" … café'],
    ['script contents dropped, not shown as text', 'Before<script>alert("x")</script>After', 'BeforeAfter'],
    ['style contents dropped', '<style>b{color:red}</style>Text', 'Text'],
    ['unclosed script drops the rest', 'Safe part<script>document.cookie', 'Safe part'],
    ['attributes with > inside quotes', '<img src="x" onerror="a>b" alt=\'c>d\'>Shown', 'Shown'],
    ['escaped markup does not come back', 'A &lt;script&gt;alert(1)&lt;/script&gt; B &lt;b&gt;bold&lt;/b&gt;', 'A B bold'],
    ['a bare < that is not a tag stays', 'I <3 this & 1 < 2', 'I <3 this & 1 < 2'],
    ['unknown entities stay as written', 'R&D &foo; ok', 'R&D &foo; ok'],
    ['control characters from numeric entities are dropped', 'a&#0;b&#7;c', 'abc'],
    ['paragraphs become line breaks, runs of blank lines shrink', '<p>One</p>\r\n\r\n\r\n<p>Two&nbsp;&nbsp;words</p>', 'One\n\nTwo words'],
    ['comments vanish', 'a<!-- hidden <b>x</b> -->b', 'ab'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(sanitiseDescription(input), expected));
  }

  it('never leaves a tag in what the simulator-style hostile description becomes', () => {
    const hostile =
      'Plot.<br><i>Note</i><script>fetch("//evil")</script><img src=x onerror="alert(1)"><a href="javascript:x">link</a><SCRIPT type="text/javascript">bad()</SCRIPT>';
    const clean = sanitiseDescription(hostile)!;
    assert.doesNotMatch(clean, /<\/?[a-z]/i);
    assert.doesNotMatch(clean, /evil|alert|bad\(\)/);
    assert.equal(clean, 'Plot.\nNotelink');
  });
});
