
use builtin;
use str;

set edit:completion:arg-completer[sipmsrp] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'sipmsrp'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'sipmsrp'= {
            cand --color 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand parse 'Parse SIP and MSRP messages (text dumps, pcap, pcapng) into a readable view or JSON'
            cand encap 'Turn a stored deferred message into the pushed MSRP SEND of the OMA IM CR'
            cand lint 'Check messages against the deferred-message CR and the RFC grammars'
            cand uri 'Escape and unescape retrieval URIs, and build retrieval requests'
            cand summary 'Build or normalise RFC 3842 message-summary bodies and NOTIFY requests'
            cand generate-assets 'Write the man pages and shell completions (for packagers and the drift test)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sipmsrp;parse'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --protocol 'Only messages of this protocol'
            cand --method 'Only SIP requests of this method, MSRP requests of this method, or responses whose CSeq names it (case-sensitive, repeatable)'
            cand --call-id 'Only messages with this Call-ID (SIP) or Message-ID (MSRP), repeatable'
            cand --port 'Decode this UDP/TCP port as SIP/MSRP even when the content does not look like it (repeatable)'
            cand -j 'Threads that render messages from files (default: one per CPU, at most 8; at most 256). With 1, or with --reassemble, or reading a pipe, all is done on one thread; the output is the same either way'
            cand --jobs 'Threads that render messages from files (default: one per CPU, at most 8; at most 256). With 1, or with --reassemble, or reading a pipe, all is done on one thread; the output is the same either way'
            cand --deny 'Make this finding code an error (`warnings` makes every warning an error; repeatable)'
            cand --warn 'Make this finding code a warning (repeatable)'
            cand --allow 'Leave this finding code out of the output and the exit code (repeatable)'
            cand --max-message 'Largest message accepted, in bytes'
            cand --max-headers 'Most headers in one message'
            cand --max-header-line 'Longest header line, in bytes'
            cand --max-depth 'Deepest nesting of multipart and message/* bodies'
            cand --max-parts 'Most parts in one message''s body tree, all levels together'
            cand --max-flow-bytes 'TCP reassembly bytes buffered per flow'
            cand --max-total-flow-bytes 'TCP reassembly bytes buffered over all flows'
            cand --max-fragment-bytes 'IP fragment bytes buffered over all incomplete datagrams'
            cand --max-chunks 'Most chunks in one reassembled MSRP message'
            cand --max-input 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)'
            cand --color 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never'
            cand --summary 'One line per message instead of the full view'
            cand --reassemble 'Join the chunks of each MSRP message into one message (captures and text)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sipmsrp;encap'= {
            cand -o 'Write to this file (atomically: on any error it is left as it was) instead of standard output'
            cand --output 'Write to this file (atomically: on any error it is left as it was) instead of standard output'
            cand --call-id 'Only the deferred message with this Call-ID'
            cand --keep 'Keep this header although the CR''s list removes it; in a Large Message Mode sipfrag, carry it after the relevant ones (repeatable; compact forms such as `v` accepted)'
            cand --strip 'Remove this header too (repeatable; Call-ID, Date, Content-Type and Content-Length cannot be removed)'
            cand --date 'Date to add where a message has none: RFC 1123 ("Thu, 21 Feb 2002 13:02:03 GMT", kept as written), or RFC 2822 / RFC 3339, converted to GMT. Default: the capture time, else now'
            cand --to-path 'To-Path of the pushed SENDs (the IM Client; `.invalid` placeholder by default)'
            cand --from-path 'From-Path of the pushed SENDs (the IM Server; `.invalid` placeholder by default)'
            cand --transaction-id 'Transaction id of the first pushed SEND (later SENDs and chunks get ID-2, ID-3...); generated when absent. Refused if its end-line occurs in the body'
            cand --message-id 'Message-ID of the first pushed message (later ones get ID-2, ID-3...); generated when absent'
            cand --boundary 'Multipart boundary; refused if it occurs in the content. Generated (and checked against the content) when absent'
            cand --chunk-size 'Split each pushed body over SENDs of at most this many body bytes (Byte-Range and `+`/`$` flags set; every chunk carries Content-Type)'
            cand --max-message 'Largest message accepted, in bytes'
            cand --max-headers 'Most headers in one message'
            cand --max-header-line 'Longest header line, in bytes'
            cand --max-depth 'Deepest nesting of multipart and message/* bodies'
            cand --max-parts 'Most parts in one message''s body tree, all levels together'
            cand --max-flow-bytes 'TCP reassembly bytes buffered per flow'
            cand --max-total-flow-bytes 'TCP reassembly bytes buffered over all flows'
            cand --max-fragment-bytes 'IP fragment bytes buffered over all incomplete datagrams'
            cand --max-chunks 'Most chunks in one reassembled MSRP message'
            cand --max-input 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)'
            cand --color 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never'
            cand --sipfrag 'Carry a pager-mode MESSAGE as message/sipfrag instead of message/sip'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sipmsrp;lint'= {
            cand -f 'Output format'
            cand --format 'Output format'
            cand --deny 'Make this finding code an error (`warnings` makes every warning an error; repeatable)'
            cand --warn 'Make this finding code a warning (repeatable)'
            cand --allow 'Leave this finding code out of the output and the exit code (repeatable)'
            cand --profile 'Enable an opt-in profile'
            cand --explain 'Explain a rule, citing its clause, and exit'
            cand -o 'With --fix: write here (atomically) instead of standard output'
            cand --output 'With --fix: write here (atomically) instead of standard output'
            cand --date 'With --fix: the Date added where an encapsulated INVITE or MESSAGE has none, as for encap --date. Default: now'
            cand --max-message 'Largest message accepted, in bytes'
            cand --max-headers 'Most headers in one message'
            cand --max-header-line 'Longest header line, in bytes'
            cand --max-depth 'Deepest nesting of multipart and message/* bodies'
            cand --max-parts 'Most parts in one message''s body tree, all levels together'
            cand --max-flow-bytes 'TCP reassembly bytes buffered per flow'
            cand --max-total-flow-bytes 'TCP reassembly bytes buffered over all flows'
            cand --max-fragment-bytes 'IP fragment bytes buffered over all incomplete datagrams'
            cand --max-chunks 'Most chunks in one reassembled MSRP message'
            cand --max-input 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)'
            cand --color 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never'
            cand --list-rules 'List every rule with its default severity and exit'
            cand --fix 'Rewrite non-conformant pushed SENDs (one text input) into the CR''s form through encap: Via, routing and charging headers removed, 200 OK/ACK/BYE parts dropped, message/msrp renamed message/msrpfrag, Date added, boundary and delimiter typos repaired, Content-Length and Byte-Range recomputed. The fixed input goes to standard output (or -o); each change, what could not be fixed and what the output still breaks go to standard error (human or json format). Exit 0 when the output lints clean, 1 otherwise'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sipmsrp;uri'= {
            cand --color 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand escape 'Escape Message-IDs into retrieval-URI user parts (RFC 3261 `user` rule)'
            cand unescape 'Unescape retrieval URIs (or bare user parts) back into Message-IDs'
            cand request 'Build the retrieval INVITE for one or more Message-IDs'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sipmsrp;uri;escape'= {
            cand --host 'Print the whole URI with this message-store host'
            cand --scheme 'URI scheme when --host is given'
            cand --color 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sipmsrp;uri;unescape'= {
            cand --format 'Output format: text (control characters shown as U+2400 pictures, e.g. %00 as ␀) or json (one object per line)'
            cand --color 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never'
            cand --host 'Print the host as well (text: after a tab)'
            cand --bytes 'Write the raw unescaped bytes (also when they are not UTF-8; JSON: base64)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sipmsrp;uri;request'= {
            cand --from 'The retrieving user''s URI (From)'
            cand --host 'The message-store host (`host[:port]`)'
            cand --scheme 'URI scheme of the retrieval URIs and Contact (`sips` also means TLS transports)'
            cand --local-host 'This client''s host, used in Via, Contact, the SDP offer and the MSRP path'
            cand --call-id 'Call-ID (generated when absent)'
            cand --tag 'From tag (generated when absent)'
            cand --branch 'Via branch (generated when absent)'
            cand --color 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sipmsrp;uri;help'= {
            cand escape 'Escape Message-IDs into retrieval-URI user parts (RFC 3261 `user` rule)'
            cand unescape 'Unescape retrieval URIs (or bare user parts) back into Message-IDs'
            cand request 'Build the retrieval INVITE for one or more Message-IDs'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sipmsrp;uri;help;escape'= {
        }
        &'sipmsrp;uri;help;unescape'= {
        }
        &'sipmsrp;uri;help;request'= {
        }
        &'sipmsrp;uri;help;help'= {
        }
        &'sipmsrp;summary'= {
            cand --from-body 'Read an existing message-summary body or NOTIFY (`-`: standard input) and re-emit it canonically'
            cand --account 'Message-Account URI (replaces the one of a JSON document or body)'
            cand --class 'Message-context class of the stored messages [default: text-message]'
            cand --old 'Mark the stored message with this Message-ID (its Call-ID) as already seen (old); repeatable'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --request-uri 'NOTIFY Request-URI [default: the To URI]'
            cand --to 'NOTIFY To URI, the subscriber, without angle brackets [default: sip:subscriber.invalid]'
            cand --to-tag 'NOTIFY To tag [default: generated]'
            cand --from 'NOTIFY From URI, the message store [default: sip:message-store.invalid]'
            cand --from-tag 'NOTIFY From tag [default: generated]'
            cand --call-id 'NOTIFY Call-ID [default: generated]'
            cand --cseq 'NOTIFY CSeq number [default: 1]'
            cand --branch 'NOTIFY Via branch, starting with z9hG4bK [default: generated]'
            cand --contact 'NOTIFY Contact URI [default: the From URI]'
            cand --subscription-state 'NOTIFY Subscription-State value, e.g. "active;expires=3600" [default: active]'
            cand --date 'Date to add where a stored message has none (RFC 1123 form, e.g. "Thu, 21 Feb 2002 13:02:03 GMT")'
            cand -o 'Write to this file (atomically) instead of standard output'
            cand --output 'Write to this file (atomically) instead of standard output'
            cand --max-message 'Largest message accepted, in bytes'
            cand --max-headers 'Most headers in one message'
            cand --max-header-line 'Longest header line, in bytes'
            cand --max-depth 'Deepest nesting of multipart and message/* bodies'
            cand --max-parts 'Most parts in one message''s body tree, all levels together'
            cand --max-flow-bytes 'TCP reassembly bytes buffered per flow'
            cand --max-total-flow-bytes 'TCP reassembly bytes buffered over all flows'
            cand --max-fragment-bytes 'IP fragment bytes buffered over all incomplete datagrams'
            cand --max-chunks 'Most chunks in one reassembled MSRP message'
            cand --max-input 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)'
            cand --color 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never'
            cand --json-input 'Read the input as the JSON summary document instead of stored messages'
            cand --notify 'Emit a whole NOTIFY request instead of the bare body'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sipmsrp;generate-assets'= {
            cand --out-dir 'Directory that receives man/ and completions/'
            cand --color 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'sipmsrp;help'= {
            cand parse 'Parse SIP and MSRP messages (text dumps, pcap, pcapng) into a readable view or JSON'
            cand encap 'Turn a stored deferred message into the pushed MSRP SEND of the OMA IM CR'
            cand lint 'Check messages against the deferred-message CR and the RFC grammars'
            cand uri 'Escape and unescape retrieval URIs, and build retrieval requests'
            cand summary 'Build or normalise RFC 3842 message-summary bodies and NOTIFY requests'
            cand generate-assets 'Write the man pages and shell completions (for packagers and the drift test)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sipmsrp;help;parse'= {
        }
        &'sipmsrp;help;encap'= {
        }
        &'sipmsrp;help;lint'= {
        }
        &'sipmsrp;help;uri'= {
            cand escape 'Escape Message-IDs into retrieval-URI user parts (RFC 3261 `user` rule)'
            cand unescape 'Unescape retrieval URIs (or bare user parts) back into Message-IDs'
            cand request 'Build the retrieval INVITE for one or more Message-IDs'
        }
        &'sipmsrp;help;uri;escape'= {
        }
        &'sipmsrp;help;uri;unescape'= {
        }
        &'sipmsrp;help;uri;request'= {
        }
        &'sipmsrp;help;summary'= {
        }
        &'sipmsrp;help;generate-assets'= {
        }
        &'sipmsrp;help;help'= {
        }
    ]
    $completions[$command]
}
