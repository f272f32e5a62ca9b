
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'whisper' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'whisper'
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
        'whisper' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks: store every request, verify, forward, show them live')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the newest captures')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List the newest captures')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one capture: headers, body, verdict, attempts')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send captures again: to a URL, edited, or re-signed with a fresh timestamp')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Build a correctly signed request for a provider (and send it)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a signature: of a stored capture, or of a request given here')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete captures from the store')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'whisper;listen' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address the receiver binds [default: 127.0.0.1]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port of the receiver; 0 picks a free one [default: 7070]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of the receiver; 0 picks a free one [default: 7070]')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Status code of the answer [default: 200]')
            [CompletionResult]::new('--response-body', '--response-body', [CompletionResultType]::ParameterName, 'Body of the answer, as text or @file [default: {"id":N}]')
            [CompletionResult]::new('--response-header', '--response-header', [CompletionResultType]::ParameterName, 'Extra header of the answer, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Wait this long (after storing) before answering, e.g. 2s')
            [CompletionResult]::new('--max-body-size', '--max-body-size', [CompletionResultType]::ParameterName, 'Largest body accepted; larger ones get 413 unread [default: 25MiB]')
            [CompletionResult]::new('--max-store-size', '--max-store-size', [CompletionResultType]::ParameterName, 'Largest the store may grow; when full, senders get 503 until room is made [default: no limit]')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Keep only the newest N captures [default: keep all]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Forward every capture to this URL (repeatable); the captured path is appended when the URL''s path is /')
            [CompletionResult]::new('--forward', '--forward', [CompletionResultType]::ParameterName, 'Forward every capture to this URL (repeatable); the captured path is appended when the URL''s path is /')
            [CompletionResult]::new('--forward-timeout', '--forward-timeout', [CompletionResultType]::ParameterName, 'Give up on a target after this long [default: 30s]')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Retry a target that refuses the connection N times, with backoff [default: 0]')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'A signing secret, PROVIDER=SECRET; SECRET may be @file or env:VAR (repeatable)')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'Replay window for signed timestamps, e.g. 300s, or `none` [default: each provider''s own]')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The URL providers call (your tunnel); Twilio and Square sign it [default: http://HOST]')
            [CompletionResult]::new('--inspect-host', '--inspect-host', [CompletionResultType]::ParameterName, 'Address the inspector (feed, API, web page) binds [default: 127.0.0.1]')
            [CompletionResult]::new('--inspect-port', '--inspect-port', [CompletionResultType]::ParameterName, 'Port of the inspector; 0 picks a free one [default: 7071]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Require this token on every inspector request (`Authorization: Bearer` or `?token=`), given as text, @file or env:VAR; needed to bind a non-loopback --inspect-host')
            [CompletionResult]::new('--cors', '--cors', [CompletionResultType]::ParameterName, 'Let web pages of this origin read the feed and the API (CORS), e.g. http://localhost:3000')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Also receive from this SSE feed: another whisper''s /events, or a smee.io or gosmee channel')
            [CompletionResult]::new('--source-token', '--source-token', [CompletionResultType]::ParameterName, 'Bearer token for a protected --source (another whisper''s --token)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Answer each sender with the first target''s response (status, headers, body)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print NDJSON events instead of the terminal UI')
            [CompletionResult]::new('--no-tui', '--no-tui', [CompletionResultType]::ParameterName, 'Print one line per capture instead of the terminal UI')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whisper;list' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many captures to show')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many captures to show')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only captures signed by this provider')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Only this method (GET, POST, …)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only paths matching this glob (`*` matches anything, `?` one character)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--invalid', '--invalid', [CompletionResultType]::ParameterName, 'Only captures whose signature failed (invalid, expired, unsigned)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array of capture summaries, newest first')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whisper;ls' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many captures to show')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many captures to show')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only captures signed by this provider')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Only this method (GET, POST, …)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only paths matching this glob (`*` matches anything, `?` one character)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--invalid', '--invalid', [CompletionResultType]::ParameterName, 'Only captures whose signature failed (invalid, expired, unsigned)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array of capture summaries, newest first')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whisper;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the capture as JSON')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print the HTTP request as received')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Write the exact body bytes')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print a curl command that sends the same request')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whisper;replay' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to send [default: the capture''s route targets, or listen.forward]')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Secret for --resign, PROVIDER=SECRET (@file, env:VAR) (repeatable)')
            [CompletionResult]::new('--set-header', '--set-header', [CompletionResultType]::ParameterName, 'Set a header, replacing its values: ''Name: value'' (repeatable)')
            [CompletionResult]::new('--remove-header', '--remove-header', [CompletionResultType]::ParameterName, 'Remove a header (repeatable)')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Replace the body: text, or @file')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on a target after this long')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--resign', '--resign', [CompletionResultType]::ParameterName, 'Re-sign with a fresh timestamp and id (secret from --secret or the config)')
            [CompletionResult]::new('--edit', '--edit', [CompletionResultType]::ParameterName, 'Edit the request in $EDITOR before sending (needs a terminal)')
            [CompletionResult]::new('--fail', '--fail', [CompletionResultType]::ParameterName, 'Exit 1 when a target answers with 400 or more')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print each result as JSON (an attempt object per line)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whisper;sign' {
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret (@file, env:VAR); repeat for one signature per secret where the provider allows several [default: from [secrets]]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'The body, as text')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'The body, as text')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The body, from a file (`-` for standard input); without --data or --file, standard input is read')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Unix time to sign with [default: now]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Message or delivery id (Mailgun: the token) [default: a fresh one]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The URL the provider calls; Twilio and Square sign it [default: the --send URL]')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'Content-Type of the body [default: JSON, or a form when the body is one]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--send', '--send', [CompletionResultType]::ParameterName, 'Send the signed request to this URL and print the response')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whisper;verify' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'The provider [default: detected from the headers]')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'PROVIDER=SECRET, or SECRET with --provider (@file, env:VAR) (repeatable) [default: from [secrets]]')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A request header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'The body, as text')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'The body, as text')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The body, from a file (`-` for standard input)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The URL the provider called (Twilio, Square) [default: http://HOST/TARGET of the capture]')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'Replay window, e.g. 300s, or `none` [default: the provider''s own]')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Check as of this Unix time [default: now]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"provider","verdict","reason"}')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whisper;clear' {
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'Delete the captures older than this id')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Delete every capture')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (never asked when not on a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (never asked when not on a terminal)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whisper;completions' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whisper;man' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more (-vv for debug detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'whisper;help' {
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks: store every request, verify, forward, show them live')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the newest captures')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one capture: headers, body, verdict, attempts')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send captures again: to a URL, edited, or re-signed with a fresh timestamp')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Build a correctly signed request for a provider (and send it)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a signature: of a stored capture, or of a request given here')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete captures from the store')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'whisper;help;listen' {
            break
        }
        'whisper;help;list' {
            break
        }
        'whisper;help;show' {
            break
        }
        'whisper;help;replay' {
            break
        }
        'whisper;help;sign' {
            break
        }
        'whisper;help;verify' {
            break
        }
        'whisper;help;clear' {
            break
        }
        'whisper;help;completions' {
            break
        }
        'whisper;help;man' {
            break
        }
        'whisper;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
