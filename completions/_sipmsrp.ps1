
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'sipmsrp' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'sipmsrp'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'sipmsrp' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Parse SIP and MSRP messages (text dumps, pcap, pcapng) into a readable view or JSON')
            [CompletionResult]::new('encap', 'encap', [CompletionResultType]::ParameterValue, 'Turn a stored deferred message into the pushed MSRP SEND of the OMA IM CR')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check messages against the deferred-message CR and the RFC grammars')
            [CompletionResult]::new('uri', 'uri', [CompletionResultType]::ParameterValue, 'Escape and unescape retrieval URIs, and build retrieval requests')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Build or normalise RFC 3842 message-summary bodies and NOTIFY requests')
            [CompletionResult]::new('generate-assets', 'generate-assets', [CompletionResultType]::ParameterValue, 'Write the man pages and shell completions (for packagers and the drift test)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sipmsrp;parse' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'Only messages of this protocol')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Only SIP requests of this method, MSRP requests of this method, or responses whose CSeq names it (case-sensitive, repeatable)')
            [CompletionResult]::new('--call-id', '--call-id', [CompletionResultType]::ParameterName, 'Only messages with this Call-ID (SIP) or Message-ID (MSRP), repeatable')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Decode this UDP/TCP port as SIP/MSRP even when the content does not look like it (repeatable)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Threads that render messages from files (default: one per CPU, at most 8; at most 256). With 1, or with --reassemble, or reading a pipe, all is done on one thread; the output is the same either way')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Threads that render messages from files (default: one per CPU, at most 8; at most 256). With 1, or with --reassemble, or reading a pipe, all is done on one thread; the output is the same either way')
            [CompletionResult]::new('--deny', '--deny', [CompletionResultType]::ParameterName, 'Make this finding code an error (`warnings` makes every warning an error; repeatable)')
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'Make this finding code a warning (repeatable)')
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Leave this finding code out of the output and the exit code (repeatable)')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Largest message accepted, in bytes')
            [CompletionResult]::new('--max-headers', '--max-headers', [CompletionResultType]::ParameterName, 'Most headers in one message')
            [CompletionResult]::new('--max-header-line', '--max-header-line', [CompletionResultType]::ParameterName, 'Longest header line, in bytes')
            [CompletionResult]::new('--max-depth', '--max-depth', [CompletionResultType]::ParameterName, 'Deepest nesting of multipart and message/* bodies')
            [CompletionResult]::new('--max-parts', '--max-parts', [CompletionResultType]::ParameterName, 'Most parts in one message''s body tree, all levels together')
            [CompletionResult]::new('--max-flow-bytes', '--max-flow-bytes', [CompletionResultType]::ParameterName, 'TCP reassembly bytes buffered per flow')
            [CompletionResult]::new('--max-total-flow-bytes', '--max-total-flow-bytes', [CompletionResultType]::ParameterName, 'TCP reassembly bytes buffered over all flows')
            [CompletionResult]::new('--max-fragment-bytes', '--max-fragment-bytes', [CompletionResultType]::ParameterName, 'IP fragment bytes buffered over all incomplete datagrams')
            [CompletionResult]::new('--max-chunks', '--max-chunks', [CompletionResultType]::ParameterName, 'Most chunks in one reassembled MSRP message')
            [CompletionResult]::new('--max-input', '--max-input', [CompletionResultType]::ParameterName, 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never')
            [CompletionResult]::new('--summary', '--summary', [CompletionResultType]::ParameterName, 'One line per message instead of the full view')
            [CompletionResult]::new('--reassemble', '--reassemble', [CompletionResultType]::ParameterName, 'Join the chunks of each MSRP message into one message (captures and text)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sipmsrp;encap' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to this file (atomically: on any error it is left as it was) instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to this file (atomically: on any error it is left as it was) instead of standard output')
            [CompletionResult]::new('--call-id', '--call-id', [CompletionResultType]::ParameterName, 'Only the deferred message with this Call-ID')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep this header although the CR''s list removes it; in a Large Message Mode sipfrag, carry it after the relevant ones (repeatable; compact forms such as `v` accepted)')
            [CompletionResult]::new('--strip', '--strip', [CompletionResultType]::ParameterName, 'Remove this header too (repeatable; Call-ID, Date, Content-Type and Content-Length cannot be removed)')
            [CompletionResult]::new('--date', '--date', [CompletionResultType]::ParameterName, 'Date to add where a message has none: RFC 1123 ("Thu, 21 Feb 2002 13:02:03 GMT", kept as written), or RFC 2822 / RFC 3339, converted to GMT. Default: the capture time, else now')
            [CompletionResult]::new('--to-path', '--to-path', [CompletionResultType]::ParameterName, 'To-Path of the pushed SENDs (the IM Client; `.invalid` placeholder by default)')
            [CompletionResult]::new('--from-path', '--from-path', [CompletionResultType]::ParameterName, 'From-Path of the pushed SENDs (the IM Server; `.invalid` placeholder by default)')
            [CompletionResult]::new('--transaction-id', '--transaction-id', [CompletionResultType]::ParameterName, 'Transaction id of the first pushed SEND (later SENDs and chunks get ID-2, ID-3...); generated when absent. Refused if its end-line occurs in the body')
            [CompletionResult]::new('--message-id', '--message-id', [CompletionResultType]::ParameterName, 'Message-ID of the first pushed message (later ones get ID-2, ID-3...); generated when absent')
            [CompletionResult]::new('--boundary', '--boundary', [CompletionResultType]::ParameterName, 'Multipart boundary; refused if it occurs in the content. Generated (and checked against the content) when absent')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Split each pushed body over SENDs of at most this many body bytes (Byte-Range and `+`/`$` flags set; every chunk carries Content-Type)')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Largest message accepted, in bytes')
            [CompletionResult]::new('--max-headers', '--max-headers', [CompletionResultType]::ParameterName, 'Most headers in one message')
            [CompletionResult]::new('--max-header-line', '--max-header-line', [CompletionResultType]::ParameterName, 'Longest header line, in bytes')
            [CompletionResult]::new('--max-depth', '--max-depth', [CompletionResultType]::ParameterName, 'Deepest nesting of multipart and message/* bodies')
            [CompletionResult]::new('--max-parts', '--max-parts', [CompletionResultType]::ParameterName, 'Most parts in one message''s body tree, all levels together')
            [CompletionResult]::new('--max-flow-bytes', '--max-flow-bytes', [CompletionResultType]::ParameterName, 'TCP reassembly bytes buffered per flow')
            [CompletionResult]::new('--max-total-flow-bytes', '--max-total-flow-bytes', [CompletionResultType]::ParameterName, 'TCP reassembly bytes buffered over all flows')
            [CompletionResult]::new('--max-fragment-bytes', '--max-fragment-bytes', [CompletionResultType]::ParameterName, 'IP fragment bytes buffered over all incomplete datagrams')
            [CompletionResult]::new('--max-chunks', '--max-chunks', [CompletionResultType]::ParameterName, 'Most chunks in one reassembled MSRP message')
            [CompletionResult]::new('--max-input', '--max-input', [CompletionResultType]::ParameterName, 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never')
            [CompletionResult]::new('--sipfrag', '--sipfrag', [CompletionResultType]::ParameterName, 'Carry a pager-mode MESSAGE as message/sipfrag instead of message/sip')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sipmsrp;lint' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--deny', '--deny', [CompletionResultType]::ParameterName, 'Make this finding code an error (`warnings` makes every warning an error; repeatable)')
            [CompletionResult]::new('--warn', '--warn', [CompletionResultType]::ParameterName, 'Make this finding code a warning (repeatable)')
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Leave this finding code out of the output and the exit code (repeatable)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Enable an opt-in profile')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain a rule, citing its clause, and exit')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'With --fix: write here (atomically) instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'With --fix: write here (atomically) instead of standard output')
            [CompletionResult]::new('--date', '--date', [CompletionResultType]::ParameterName, 'With --fix: the Date added where an encapsulated INVITE or MESSAGE has none, as for encap --date. Default: now')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Largest message accepted, in bytes')
            [CompletionResult]::new('--max-headers', '--max-headers', [CompletionResultType]::ParameterName, 'Most headers in one message')
            [CompletionResult]::new('--max-header-line', '--max-header-line', [CompletionResultType]::ParameterName, 'Longest header line, in bytes')
            [CompletionResult]::new('--max-depth', '--max-depth', [CompletionResultType]::ParameterName, 'Deepest nesting of multipart and message/* bodies')
            [CompletionResult]::new('--max-parts', '--max-parts', [CompletionResultType]::ParameterName, 'Most parts in one message''s body tree, all levels together')
            [CompletionResult]::new('--max-flow-bytes', '--max-flow-bytes', [CompletionResultType]::ParameterName, 'TCP reassembly bytes buffered per flow')
            [CompletionResult]::new('--max-total-flow-bytes', '--max-total-flow-bytes', [CompletionResultType]::ParameterName, 'TCP reassembly bytes buffered over all flows')
            [CompletionResult]::new('--max-fragment-bytes', '--max-fragment-bytes', [CompletionResultType]::ParameterName, 'IP fragment bytes buffered over all incomplete datagrams')
            [CompletionResult]::new('--max-chunks', '--max-chunks', [CompletionResultType]::ParameterName, 'Most chunks in one reassembled MSRP message')
            [CompletionResult]::new('--max-input', '--max-input', [CompletionResultType]::ParameterName, 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never')
            [CompletionResult]::new('--list-rules', '--list-rules', [CompletionResultType]::ParameterName, 'List every rule with its default severity and exit')
            [CompletionResult]::new('--fix', '--fix', [CompletionResultType]::ParameterName, 'Rewrite non-conformant pushed SENDs (one text input) into the CR''s form through encap: Via, routing and charging headers removed, 200 OK/ACK/BYE parts dropped, message/msrp renamed message/msrpfrag, Date added, boundary and delimiter typos repaired, Content-Length and Byte-Range recomputed. The fixed input goes to standard output (or -o); each change, what could not be fixed and what the output still breaks go to standard error (human or json format). Exit 0 when the output lints clean, 1 otherwise')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sipmsrp;uri' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('escape', 'escape', [CompletionResultType]::ParameterValue, 'Escape Message-IDs into retrieval-URI user parts (RFC 3261 `user` rule)')
            [CompletionResult]::new('unescape', 'unescape', [CompletionResultType]::ParameterValue, 'Unescape retrieval URIs (or bare user parts) back into Message-IDs')
            [CompletionResult]::new('request', 'request', [CompletionResultType]::ParameterValue, 'Build the retrieval INVITE for one or more Message-IDs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sipmsrp;uri;escape' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Print the whole URI with this message-store host')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'URI scheme when --host is given')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sipmsrp;uri;unescape' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: text (control characters shown as U+2400 pictures, e.g. %00 as ␀) or json (one object per line)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Print the host as well (text: after a tab)')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'Write the raw unescaped bytes (also when they are not UTF-8; JSON: base64)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sipmsrp;uri;request' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The retrieving user''s URI (From)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The message-store host (`host[:port]`)')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'URI scheme of the retrieval URIs and Contact (`sips` also means TLS transports)')
            [CompletionResult]::new('--local-host', '--local-host', [CompletionResultType]::ParameterName, 'This client''s host, used in Via, Contact, the SDP offer and the MSRP path')
            [CompletionResult]::new('--call-id', '--call-id', [CompletionResultType]::ParameterName, 'Call-ID (generated when absent)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'From tag (generated when absent)')
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'Via branch (generated when absent)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sipmsrp;uri;help' {
            [CompletionResult]::new('escape', 'escape', [CompletionResultType]::ParameterValue, 'Escape Message-IDs into retrieval-URI user parts (RFC 3261 `user` rule)')
            [CompletionResult]::new('unescape', 'unescape', [CompletionResultType]::ParameterValue, 'Unescape retrieval URIs (or bare user parts) back into Message-IDs')
            [CompletionResult]::new('request', 'request', [CompletionResultType]::ParameterValue, 'Build the retrieval INVITE for one or more Message-IDs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sipmsrp;uri;help;escape' {
            break
        }
        'sipmsrp;uri;help;unescape' {
            break
        }
        'sipmsrp;uri;help;request' {
            break
        }
        'sipmsrp;uri;help;help' {
            break
        }
        'sipmsrp;summary' {
            [CompletionResult]::new('--from-body', '--from-body', [CompletionResultType]::ParameterName, 'Read an existing message-summary body or NOTIFY (`-`: standard input) and re-emit it canonically')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Message-Account URI (replaces the one of a JSON document or body)')
            [CompletionResult]::new('--class', '--class', [CompletionResultType]::ParameterName, 'Message-context class of the stored messages [default: text-message]')
            [CompletionResult]::new('--old', '--old', [CompletionResultType]::ParameterName, 'Mark the stored message with this Message-ID (its Call-ID) as already seen (old); repeatable')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-uri', '--request-uri', [CompletionResultType]::ParameterName, 'NOTIFY Request-URI [default: the To URI]')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'NOTIFY To URI, the subscriber, without angle brackets [default: sip:subscriber.invalid]')
            [CompletionResult]::new('--to-tag', '--to-tag', [CompletionResultType]::ParameterName, 'NOTIFY To tag [default: generated]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'NOTIFY From URI, the message store [default: sip:message-store.invalid]')
            [CompletionResult]::new('--from-tag', '--from-tag', [CompletionResultType]::ParameterName, 'NOTIFY From tag [default: generated]')
            [CompletionResult]::new('--call-id', '--call-id', [CompletionResultType]::ParameterName, 'NOTIFY Call-ID [default: generated]')
            [CompletionResult]::new('--cseq', '--cseq', [CompletionResultType]::ParameterName, 'NOTIFY CSeq number [default: 1]')
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'NOTIFY Via branch, starting with z9hG4bK [default: generated]')
            [CompletionResult]::new('--contact', '--contact', [CompletionResultType]::ParameterName, 'NOTIFY Contact URI [default: the From URI]')
            [CompletionResult]::new('--subscription-state', '--subscription-state', [CompletionResultType]::ParameterName, 'NOTIFY Subscription-State value, e.g. "active;expires=3600" [default: active]')
            [CompletionResult]::new('--date', '--date', [CompletionResultType]::ParameterName, 'Date to add where a stored message has none (RFC 1123 form, e.g. "Thu, 21 Feb 2002 13:02:03 GMT")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to this file (atomically) instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to this file (atomically) instead of standard output')
            [CompletionResult]::new('--max-message', '--max-message', [CompletionResultType]::ParameterName, 'Largest message accepted, in bytes')
            [CompletionResult]::new('--max-headers', '--max-headers', [CompletionResultType]::ParameterName, 'Most headers in one message')
            [CompletionResult]::new('--max-header-line', '--max-header-line', [CompletionResultType]::ParameterName, 'Longest header line, in bytes')
            [CompletionResult]::new('--max-depth', '--max-depth', [CompletionResultType]::ParameterName, 'Deepest nesting of multipart and message/* bodies')
            [CompletionResult]::new('--max-parts', '--max-parts', [CompletionResultType]::ParameterName, 'Most parts in one message''s body tree, all levels together')
            [CompletionResult]::new('--max-flow-bytes', '--max-flow-bytes', [CompletionResultType]::ParameterName, 'TCP reassembly bytes buffered per flow')
            [CompletionResult]::new('--max-total-flow-bytes', '--max-total-flow-bytes', [CompletionResultType]::ParameterName, 'TCP reassembly bytes buffered over all flows')
            [CompletionResult]::new('--max-fragment-bytes', '--max-fragment-bytes', [CompletionResultType]::ParameterName, 'IP fragment bytes buffered over all incomplete datagrams')
            [CompletionResult]::new('--max-chunks', '--max-chunks', [CompletionResultType]::ParameterName, 'Most chunks in one reassembled MSRP message')
            [CompletionResult]::new('--max-input', '--max-input', [CompletionResultType]::ParameterName, 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never')
            [CompletionResult]::new('--json-input', '--json-input', [CompletionResultType]::ParameterName, 'Read the input as the JSON summary document instead of stored messages')
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'Emit a whole NOTIFY request instead of the bare body')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sipmsrp;generate-assets' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Directory that receives man/ and completions/')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'sipmsrp;help' {
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Parse SIP and MSRP messages (text dumps, pcap, pcapng) into a readable view or JSON')
            [CompletionResult]::new('encap', 'encap', [CompletionResultType]::ParameterValue, 'Turn a stored deferred message into the pushed MSRP SEND of the OMA IM CR')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check messages against the deferred-message CR and the RFC grammars')
            [CompletionResult]::new('uri', 'uri', [CompletionResultType]::ParameterValue, 'Escape and unescape retrieval URIs, and build retrieval requests')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Build or normalise RFC 3842 message-summary bodies and NOTIFY requests')
            [CompletionResult]::new('generate-assets', 'generate-assets', [CompletionResultType]::ParameterValue, 'Write the man pages and shell completions (for packagers and the drift test)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sipmsrp;help;parse' {
            break
        }
        'sipmsrp;help;encap' {
            break
        }
        'sipmsrp;help;lint' {
            break
        }
        'sipmsrp;help;uri' {
            [CompletionResult]::new('escape', 'escape', [CompletionResultType]::ParameterValue, 'Escape Message-IDs into retrieval-URI user parts (RFC 3261 `user` rule)')
            [CompletionResult]::new('unescape', 'unescape', [CompletionResultType]::ParameterValue, 'Unescape retrieval URIs (or bare user parts) back into Message-IDs')
            [CompletionResult]::new('request', 'request', [CompletionResultType]::ParameterValue, 'Build the retrieval INVITE for one or more Message-IDs')
            break
        }
        'sipmsrp;help;uri;escape' {
            break
        }
        'sipmsrp;help;uri;unescape' {
            break
        }
        'sipmsrp;help;uri;request' {
            break
        }
        'sipmsrp;help;summary' {
            break
        }
        'sipmsrp;help;generate-assets' {
            break
        }
        'sipmsrp;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
