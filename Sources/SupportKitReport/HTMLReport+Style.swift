extension HTMLReport {
    static let css = """
    :root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa;--card:#fff;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--accent:#0969da}
    *{box-sizing:border-box}
    body{margin:0;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
    header{background:#0d1117;color:#e6edf3;padding:24px 0 18px}
    .wrap,main{max-width:1280px;margin:0 auto;padding:0 24px}
    h1{margin:0 0 12px;font-size:24px;font-weight:600}
    .run-id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:16px;color:#8b949e;margin-left:8px}
    .facts{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0}
    .facts div{min-width:0}.facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:#8b949e}
    .facts dd{margin:0;font-family:ui-monospace,Menlo,monospace;font-size:13px;overflow-wrap:anywhere}
    main{padding-top:20px;padding-bottom:40px}
    section{margin:0 0 28px}
    h2{font-size:19px;margin:0 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
    h3{font-size:14px;margin:4px 0 8px;color:#31373d}
    .muted{color:var(--muted)}.small{font-size:12px}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:12px}
    .card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px rgba(31,35,40,.04)}
    .card .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
    .card .value{font-size:28px;font-weight:600;letter-spacing:-.01em}
    .card .ci{font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
    .n{color:#8c959f;font-size:11px}
    .delta{font-size:13px;font-weight:600;font-variant-numeric:tabular-nums}.delta span{font-weight:400;font-size:11px}
    .delta.better{color:var(--ok)}.delta.worse{color:var(--bad)}.delta.same{color:var(--muted)}
    .delta.unsure{font-weight:500}.delta.sure::after{content:" ●";font-size:9px;vertical-align:middle}
    th{white-space:nowrap;overflow-wrap:normal;word-break:keep-all}
    .fix .lead{font-size:20px;margin:4px 0 10px}.fix .lead strong{font-size:28px}
    .meter.bad span{background:var(--bad)}.topics{padding-left:18px}.topics>li{margin:6px 0}.topics ul{margin:2px 0;padding-left:18px}
    .chart-card{padding:10px 12px}.chart{width:100%;height:auto;display:block}
    .chart .grid{stroke:#eaeef2;stroke-width:1}.chart .axis{font-size:11px;fill:#656d76}.chart .legend{font-size:12px;fill:#31373d}
    .chart .bar{fill:#54aeff}.chart .marker{stroke:#bc4c00;stroke-width:1;stroke-dasharray:4 3}.chart .bar.overflow{fill:#ff8182}
    .two{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:20px;align-items:start}
    table{border-collapse:collapse;font-variant-numeric:tabular-nums}
    table.grid{width:100%;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden;margin-bottom:8px}
    .grid th,.grid td{padding:6px 10px;border-bottom:1px solid #eaeef2;text-align:left}
    .grid thead th{background:#f6f8fa;font-size:12px;color:#31373d}
    td.num{text-align:right;white-space:nowrap}
    td.what{color:#57606a;font-size:12px;max-width:460px}
    .scroll{overflow-x:auto}
    table.matrix{background:var(--card);border:1px solid var(--line)}
    .matrix th{font-size:12px;padding:6px 8px;background:#f6f8fa;font-weight:600}
    .matrix th.corner{font-weight:400;color:var(--muted);font-size:11px}
    .matrix td{width:56px;height:40px;text-align:center;border:1px solid #eef1f4;padding:0}
    .matrix td a{display:block;line-height:40px;color:inherit;text-decoration:none;font-weight:600}
    .matrix td.ok{background:rgba(26,127,55,var(--s))}.matrix td.bad{background:rgba(207,34,46,var(--s))}
    .matrix td.empty{color:#d0d7de}
    .matrix td a:hover{outline:2px solid var(--accent)}
    .cases{display:none;margin:10px 0;background:var(--card);border:1px solid var(--accent);border-radius:8px;padding:8px 12px}
    .cases:target{display:block}
    .cases-head{display:flex;gap:8px;align-items:baseline}.cases .close{margin-left:auto}
    .cases ul,.case-list{margin:6px 0;padding-left:18px;max-height:320px;overflow:auto}
    a{color:var(--accent)}
    .meter{display:inline-block;width:60px;height:6px;background:#eaeef2;border-radius:3px;vertical-align:middle;margin-right:4px}
    .meter span{display:block;height:100%;background:var(--accent);border-radius:3px}
    .banner{border-radius:10px;padding:12px 16px;margin-bottom:18px;border:1px solid}
    .banner ul{margin:6px 0 0;padding-left:0;list-style:none}.banner li{margin:3px 0}
    .banner.pass{background:#dafbe1;border-color:#4ac26b}.banner.fail{background:#ffebe9;border-color:#ff8182}
    .banner.warn{background:#fff8c5;border-color:#d4a72c}
    .badge{display:inline-block;font-size:11px;font-weight:600;text-transform:uppercase;padding:1px 7px;border-radius:10px;letter-spacing:.03em}
    .badge.pass{background:#dafbe1;color:var(--ok)}.badge.fail{background:#ffebe9;color:var(--bad)}.badge.unmeasured{background:#fff8c5;color:var(--warn)}
    .pill{display:inline-block;background:var(--card);border:1px solid var(--line);border-radius:14px;padding:2px 10px;margin:2px 4px 2px 0;font-size:12px}
    .confusion2 td.good{background:#dafbe1}.confusion2 td.badc{background:#ffebe9}
    .stack{display:flex;height:26px;border-radius:6px;overflow:hidden;margin:4px 0 10px;font-size:12px;font-weight:600;color:#fff}
    .seg{display:flex;align-items:center;justify-content:center;min-width:18px}
    .on_time,.dot.on_time{background:#1a7f37}.quiet,.dot.quiet{background:#4ac26b}.early,.dot.early{background:#bf8700}
    .late,.dot.late{background:#fb8f44}.missed,.dot.missed{background:#cf222e}.false_alarm,.dot.false_alarm{background:#a40e26}
    .unmeasured.seg,.dot.unmeasured{background:#8c959f}
    .dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px}
    .warn-text{color:var(--warn);font-weight:600}
    .filters{display:flex;gap:14px;align-items:center;margin-bottom:10px}
    .filters input[type=search]{padding:6px 10px;border:1px solid var(--line);border-radius:6px;width:320px;font:inherit}
    details.conv{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--ok);border-radius:8px;margin:6px 0}
    details.conv.fail{border-left-color:var(--bad)}details.conv.unmeasured{border-left-color:#d4a72c}
    details.conv>summary{cursor:pointer;padding:8px 12px;list-style-position:inside}
    details.conv[hidden]{display:none}
    .turns{padding:4px 14px 12px}
    .turn{border-top:1px solid #eaeef2;padding:10px 0}
    .turn-head{font-weight:600;margin-bottom:4px}
    .user{background:#ddf4ff;border-radius:10px;padding:8px 12px;margin:4px 0 8px;white-space:pre-wrap;overflow-wrap:anywhere}
    .who{display:block;font-size:11px;text-transform:uppercase;color:var(--muted);letter-spacing:.04em}
    .error{background:#fff8c5;border-radius:6px;padding:6px 10px}
    table.expect{margin:4px 0 8px;font-size:13px}
    .expect th,.expect td{padding:3px 10px;border-bottom:1px solid #eaeef2;text-align:left;overflow-wrap:anywhere}.expect th{overflow-wrap:normal}
    .expect tr.ok td:last-child{color:var(--ok);font-weight:600}.expect tr.miss td:last-child{color:var(--bad);font-weight:600}
    .block{margin:6px 0}.block-title{font-size:11px;text-transform:uppercase;color:var(--muted);letter-spacing:.04em}
    .block ul,.chunks{margin:2px 0;padding-left:20px}
    .chunks li.relevant{background:#dafbe1;border-radius:4px}
    .tag{font-size:10px;font-weight:700;text-transform:uppercase;color:var(--ok)}
    .score{font-family:ui-monospace,Menlo,monospace;color:var(--muted);font-size:12px}
    mark.unsupported{background:#ffe2e0;border-bottom:2px solid #cf222e}ul.unsupported{margin:2px 0;padding-left:20px;color:#82071e}
    .answer p{margin:2px 0;white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;border-radius:6px;padding:6px 10px}
    .unmet{color:var(--bad);margin:4px 0;padding-left:20px;font-size:13px}
    code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
    footer{text-align:center;color:var(--muted);font-size:12px;padding:20px}
    """

    /// Filtering for the conversation list, plus a marker the headless-browser test reads: any script
    /// error is written into `#js-status`, and `data-ready` says the script ran to its end.
    static let script = """
    (function(){
      var status = document.getElementById('js-status');
      window.addEventListener('error', function(e){ status.setAttribute('data-errors', status.getAttribute('data-errors') + (e.message || 'error') + ';'); });
      var box = document.getElementById('conv-filter'), failing = document.getElementById('conv-failing');
      var count = document.getElementById('conv-count');
      var items = Array.prototype.slice.call(document.querySelectorAll('details.conv'));
      function apply(){
        var q = (box.value || '').toLowerCase(), shown = 0;
        items.forEach(function(d){
          var ok = (!q || d.getAttribute('data-search').indexOf(q) >= 0) && (!failing.checked || d.getAttribute('data-state') !== 'pass');
          d.hidden = !ok; if (ok) shown++;
        });
        count.textContent = shown + ' of ' + items.length + ' conversations';
      }
      if (box && failing) { box.addEventListener('input', apply); failing.addEventListener('change', apply); apply(); }
      function openTarget(){
        var id = location.hash.slice(1); if (!id) return;
        var el = document.getElementById(id); if (!el) return;
        var d = el.closest ? el.closest('details.conv') : null; if (d) { d.hidden = false; d.open = true; el.scrollIntoView(); }
      }
      window.addEventListener('hashchange', openTarget); openTarget();
      status.setAttribute('data-ready', '1');
    })();
    """
}
