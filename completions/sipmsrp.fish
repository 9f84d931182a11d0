# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sipmsrp_global_optspecs
    string join \n color= h/help V/version
end

function __fish_sipmsrp_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sipmsrp_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sipmsrp_using_subcommand
    set -l cmd (__fish_sipmsrp_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sipmsrp -n "__fish_sipmsrp_needs_command" -l color -d 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sipmsrp -n "__fish_sipmsrp_needs_command" -s h -l help -d 'Print help'
complete -c sipmsrp -n "__fish_sipmsrp_needs_command" -s V -l version -d 'Print version'
complete -c sipmsrp -n "__fish_sipmsrp_needs_command" -f -a "parse" -d 'Parse SIP and MSRP messages (text dumps, pcap, pcapng) into a readable view or JSON'
complete -c sipmsrp -n "__fish_sipmsrp_needs_command" -f -a "encap" -d 'Turn a stored deferred message into the pushed MSRP SEND of the OMA IM CR'
complete -c sipmsrp -n "__fish_sipmsrp_needs_command" -f -a "lint" -d 'Check messages against the deferred-message CR and the RFC grammars'
complete -c sipmsrp -n "__fish_sipmsrp_needs_command" -f -a "uri" -d 'Escape and unescape retrieval URIs, and build retrieval requests'
complete -c sipmsrp -n "__fish_sipmsrp_needs_command" -f -a "summary" -d 'Build or normalise RFC 3842 message-summary bodies and NOTIFY requests'
complete -c sipmsrp -n "__fish_sipmsrp_needs_command" -f -a "generate-assets" -d 'Write the man pages and shell completions (for packagers and the drift test)'
complete -c sipmsrp -n "__fish_sipmsrp_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -s f -l format -d 'Output format' -r -f -a "human\t''
jsonl\t''
json\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l protocol -d 'Only messages of this protocol' -r -f -a "sip\t''
msrp\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l method -d 'Only SIP requests of this method, MSRP requests of this method, or responses whose CSeq names it (case-sensitive, repeatable)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l call-id -d 'Only messages with this Call-ID (SIP) or Message-ID (MSRP), repeatable' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l port -d 'Decode this UDP/TCP port as SIP/MSRP even when the content does not look like it (repeatable)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -s j -l jobs -d 'Threads that render messages from files (default: one per CPU, at most 8; at most 256). With 1, or with --reassemble, or reading a pipe, all is done on one thread; the output is the same either way' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l deny -d 'Make this finding code an error (`warnings` makes every warning an error; repeatable)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l warn -d 'Make this finding code a warning (repeatable)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l allow -d 'Leave this finding code out of the output and the exit code (repeatable)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l max-message -d 'Largest message accepted, in bytes' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l max-headers -d 'Most headers in one message' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l max-header-line -d 'Longest header line, in bytes' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l max-depth -d 'Deepest nesting of multipart and message/* bodies' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l max-parts -d 'Most parts in one message\'s body tree, all levels together' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l max-flow-bytes -d 'TCP reassembly bytes buffered per flow' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l max-total-flow-bytes -d 'TCP reassembly bytes buffered over all flows' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l max-fragment-bytes -d 'IP fragment bytes buffered over all incomplete datagrams' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l max-chunks -d 'Most chunks in one reassembled MSRP message' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l max-input -d 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l color -d 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l summary -d 'One line per message instead of the full view'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -l reassemble -d 'Join the chunks of each MSRP message into one message (captures and text)'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -s h -l help -d 'Print help'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand parse" -s V -l version -d 'Print version'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -s o -l output -d 'Write to this file (atomically: on any error it is left as it was) instead of standard output' -r -F
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l call-id -d 'Only the deferred message with this Call-ID' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l keep -d 'Keep this header although the CR\'s list removes it; in a Large Message Mode sipfrag, carry it after the relevant ones (repeatable; compact forms such as `v` accepted)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l strip -d 'Remove this header too (repeatable; Call-ID, Date, Content-Type and Content-Length cannot be removed)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l date -d 'Date to add where a message has none: RFC 1123 ("Thu, 21 Feb 2002 13:02:03 GMT", kept as written), or RFC 2822 / RFC 3339, converted to GMT. Default: the capture time, else now' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l to-path -d 'To-Path of the pushed SENDs (the IM Client; `.invalid` placeholder by default)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l from-path -d 'From-Path of the pushed SENDs (the IM Server; `.invalid` placeholder by default)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l transaction-id -d 'Transaction id of the first pushed SEND (later SENDs and chunks get ID-2, ID-3...); generated when absent. Refused if its end-line occurs in the body' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l message-id -d 'Message-ID of the first pushed message (later ones get ID-2, ID-3...); generated when absent' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l boundary -d 'Multipart boundary; refused if it occurs in the content. Generated (and checked against the content) when absent' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l chunk-size -d 'Split each pushed body over SENDs of at most this many body bytes (Byte-Range and `+`/`$` flags set; every chunk carries Content-Type)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l max-message -d 'Largest message accepted, in bytes' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l max-headers -d 'Most headers in one message' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l max-header-line -d 'Longest header line, in bytes' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l max-depth -d 'Deepest nesting of multipart and message/* bodies' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l max-parts -d 'Most parts in one message\'s body tree, all levels together' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l max-flow-bytes -d 'TCP reassembly bytes buffered per flow' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l max-total-flow-bytes -d 'TCP reassembly bytes buffered over all flows' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l max-fragment-bytes -d 'IP fragment bytes buffered over all incomplete datagrams' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l max-chunks -d 'Most chunks in one reassembled MSRP message' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l max-input -d 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l color -d 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -l sipfrag -d 'Carry a pager-mode MESSAGE as message/sipfrag instead of message/sip'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand encap" -s V -l version -d 'Print version'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -s f -l format -d 'Output format' -r -f -a "human\t''
json\t''
github\t''
sarif\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l deny -d 'Make this finding code an error (`warnings` makes every warning an error; repeatable)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l warn -d 'Make this finding code a warning (repeatable)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l allow -d 'Leave this finding code out of the output and the exit code (repeatable)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l profile -d 'Enable an opt-in profile' -r -f -a "oma-im\t'The OMA SIMPLE IM header rules (Accept-Contact +g.oma.sip-im, User-Agent, timer, pager size)'"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l explain -d 'Explain a rule, citing its clause, and exit' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -s o -l output -d 'With --fix: write here (atomically) instead of standard output' -r -F
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l date -d 'With --fix: the Date added where an encapsulated INVITE or MESSAGE has none, as for encap --date. Default: now' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l max-message -d 'Largest message accepted, in bytes' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l max-headers -d 'Most headers in one message' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l max-header-line -d 'Longest header line, in bytes' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l max-depth -d 'Deepest nesting of multipart and message/* bodies' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l max-parts -d 'Most parts in one message\'s body tree, all levels together' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l max-flow-bytes -d 'TCP reassembly bytes buffered per flow' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l max-total-flow-bytes -d 'TCP reassembly bytes buffered over all flows' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l max-fragment-bytes -d 'IP fragment bytes buffered over all incomplete datagrams' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l max-chunks -d 'Most chunks in one reassembled MSRP message' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l max-input -d 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l color -d 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l list-rules -d 'List every rule with its default severity and exit'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -l fix -d 'Rewrite non-conformant pushed SENDs (one text input) into the CR\'s form through encap: Via, routing and charging headers removed, 200 OK/ACK/BYE parts dropped, message/msrp renamed message/msrpfrag, Date added, boundary and delimiter typos repaired, Content-Length and Byte-Range recomputed. The fixed input goes to standard output (or -o); each change, what could not be fixed and what the output still breaks go to standard error (human or json format). Exit 0 when the output lints clean, 1 otherwise'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand lint" -s V -l version -d 'Print version'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and not __fish_seen_subcommand_from escape unescape request help" -l color -d 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and not __fish_seen_subcommand_from escape unescape request help" -s h -l help -d 'Print help'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and not __fish_seen_subcommand_from escape unescape request help" -s V -l version -d 'Print version'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and not __fish_seen_subcommand_from escape unescape request help" -f -a "escape" -d 'Escape Message-IDs into retrieval-URI user parts (RFC 3261 `user` rule)'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and not __fish_seen_subcommand_from escape unescape request help" -f -a "unescape" -d 'Unescape retrieval URIs (or bare user parts) back into Message-IDs'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and not __fish_seen_subcommand_from escape unescape request help" -f -a "request" -d 'Build the retrieval INVITE for one or more Message-IDs'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and not __fish_seen_subcommand_from escape unescape request help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from escape" -l host -d 'Print the whole URI with this message-store host' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from escape" -l scheme -d 'URI scheme when --host is given' -r -f -a "sip\t''
sips\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from escape" -l color -d 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from escape" -s h -l help -d 'Print help'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from escape" -s V -l version -d 'Print version'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from unescape" -l format -d 'Output format: text (control characters shown as U+2400 pictures, e.g. %00 as ␀) or json (one object per line)' -r -f -a "text\t''
json\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from unescape" -l color -d 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from unescape" -l host -d 'Print the host as well (text: after a tab)'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from unescape" -l bytes -d 'Write the raw unescaped bytes (also when they are not UTF-8; JSON: base64)'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from unescape" -s h -l help -d 'Print help'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from unescape" -s V -l version -d 'Print version'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from request" -l from -d 'The retrieving user\'s URI (From)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from request" -l host -d 'The message-store host (`host[:port]`)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from request" -l scheme -d 'URI scheme of the retrieval URIs and Contact (`sips` also means TLS transports)' -r -f -a "sip\t''
sips\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from request" -l local-host -d 'This client\'s host, used in Via, Contact, the SDP offer and the MSRP path' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from request" -l call-id -d 'Call-ID (generated when absent)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from request" -l tag -d 'From tag (generated when absent)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from request" -l branch -d 'Via branch (generated when absent)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from request" -l color -d 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from request" -s h -l help -d 'Print help'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from request" -s V -l version -d 'Print version'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from help" -f -a "escape" -d 'Escape Message-IDs into retrieval-URI user parts (RFC 3261 `user` rule)'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from help" -f -a "unescape" -d 'Unescape retrieval URIs (or bare user parts) back into Message-IDs'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from help" -f -a "request" -d 'Build the retrieval INVITE for one or more Message-IDs'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand uri; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l from-body -d 'Read an existing message-summary body or NOTIFY (`-`: standard input) and re-emit it canonically' -r -F
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l account -d 'Message-Account URI (replaces the one of a JSON document or body)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l class -d 'Message-context class of the stored messages [default: text-message]' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l old -d 'Mark the stored message with this Message-ID (its Call-ID) as already seen (old); repeatable' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -s f -l format -d 'Output format' -r -f -a "body\t'The RFC 3842 body (or the whole NOTIFY with --notify)'
json\t'The summary document (docs/summary-schema.md), as --json-input reads it'"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l request-uri -d 'NOTIFY Request-URI [default: the To URI]' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l to -d 'NOTIFY To URI, the subscriber, without angle brackets [default: sip:subscriber.invalid]' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l to-tag -d 'NOTIFY To tag [default: generated]' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l from -d 'NOTIFY From URI, the message store [default: sip:message-store.invalid]' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l from-tag -d 'NOTIFY From tag [default: generated]' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l call-id -d 'NOTIFY Call-ID [default: generated]' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l cseq -d 'NOTIFY CSeq number [default: 1]' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l branch -d 'NOTIFY Via branch, starting with z9hG4bK [default: generated]' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l contact -d 'NOTIFY Contact URI [default: the From URI]' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l subscription-state -d 'NOTIFY Subscription-State value, e.g. "active;expires=3600" [default: active]' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l date -d 'Date to add where a stored message has none (RFC 1123 form, e.g. "Thu, 21 Feb 2002 13:02:03 GMT")' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -s o -l output -d 'Write to this file (atomically) instead of standard output' -r -F
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l max-message -d 'Largest message accepted, in bytes' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l max-headers -d 'Most headers in one message' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l max-header-line -d 'Longest header line, in bytes' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l max-depth -d 'Deepest nesting of multipart and message/* bodies' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l max-parts -d 'Most parts in one message\'s body tree, all levels together' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l max-flow-bytes -d 'TCP reassembly bytes buffered per flow' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l max-total-flow-bytes -d 'TCP reassembly bytes buffered over all flows' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l max-fragment-bytes -d 'IP fragment bytes buffered over all incomplete datagrams' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l max-chunks -d 'Most chunks in one reassembled MSRP message' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l max-input -d 'Largest text input read whole, in bytes: encap and summary relate messages across an input and read text whole, as do lint --fix and lint of a bare body (parse and lint stream messages)' -r
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l color -d 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l json-input -d 'Read the input as the JSON summary document instead of stored messages'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -l notify -d 'Emit a whole NOTIFY request instead of the bare body'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand summary" -s V -l version -d 'Print version'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand generate-assets" -l out-dir -d 'Directory that receives man/ and completions/' -r -F
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand generate-assets" -l color -d 'When to colour human output: auto (only on a terminal, and not with NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand generate-assets" -s h -l help -d 'Print help'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand generate-assets" -s V -l version -d 'Print version'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand help; and not __fish_seen_subcommand_from parse encap lint uri summary generate-assets help" -f -a "parse" -d 'Parse SIP and MSRP messages (text dumps, pcap, pcapng) into a readable view or JSON'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand help; and not __fish_seen_subcommand_from parse encap lint uri summary generate-assets help" -f -a "encap" -d 'Turn a stored deferred message into the pushed MSRP SEND of the OMA IM CR'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand help; and not __fish_seen_subcommand_from parse encap lint uri summary generate-assets help" -f -a "lint" -d 'Check messages against the deferred-message CR and the RFC grammars'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand help; and not __fish_seen_subcommand_from parse encap lint uri summary generate-assets help" -f -a "uri" -d 'Escape and unescape retrieval URIs, and build retrieval requests'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand help; and not __fish_seen_subcommand_from parse encap lint uri summary generate-assets help" -f -a "summary" -d 'Build or normalise RFC 3842 message-summary bodies and NOTIFY requests'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand help; and not __fish_seen_subcommand_from parse encap lint uri summary generate-assets help" -f -a "generate-assets" -d 'Write the man pages and shell completions (for packagers and the drift test)'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand help; and not __fish_seen_subcommand_from parse encap lint uri summary generate-assets help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand help; and __fish_seen_subcommand_from uri" -f -a "escape" -d 'Escape Message-IDs into retrieval-URI user parts (RFC 3261 `user` rule)'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand help; and __fish_seen_subcommand_from uri" -f -a "unescape" -d 'Unescape retrieval URIs (or bare user parts) back into Message-IDs'
complete -c sipmsrp -n "__fish_sipmsrp_using_subcommand help; and __fish_seen_subcommand_from uri" -f -a "request" -d 'Build the retrieval INVITE for one or more Message-IDs'
