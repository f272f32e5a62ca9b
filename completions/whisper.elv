
use builtin;
use str;

set edit:completion:arg-completer[whisper] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'whisper'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'whisper'= {
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand -v 'Say more (-vv for debug detail)'
            cand --verbose 'Say more (-vv for debug detail)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand listen 'Receive webhooks: store every request, verify, forward, show them live'
            cand list 'List the newest captures'
            cand ls 'List the newest captures'
            cand show 'Show one capture: headers, body, verdict, attempts'
            cand replay 'Send captures again: to a URL, edited, or re-signed with a fresh timestamp'
            cand sign 'Build a correctly signed request for a provider (and send it)'
            cand verify 'Check a signature: of a stored capture, or of a request given here'
            cand clear 'Delete captures from the store'
            cand completions 'Print shell completions'
            cand man 'Print the man page'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'whisper;listen'= {
            cand --host 'Address the receiver binds [default: 127.0.0.1]'
            cand -p 'Port of the receiver; 0 picks a free one [default: 7070]'
            cand --port 'Port of the receiver; 0 picks a free one [default: 7070]'
            cand --status 'Status code of the answer [default: 200]'
            cand --response-body 'Body of the answer, as text or @file [default: {"id":N}]'
            cand --response-header 'Extra header of the answer, ''Name: value'' (repeatable)'
            cand --delay 'Wait this long (after storing) before answering, e.g. 2s'
            cand --max-body-size 'Largest body accepted; larger ones get 413 unread [default: 25MiB]'
            cand --max-store-size 'Largest the store may grow; when full, senders get 503 until room is made [default: no limit]'
            cand --retain 'Keep only the newest N captures [default: keep all]'
            cand -f 'Forward every capture to this URL (repeatable); the captured path is appended when the URL''s path is /'
            cand --forward 'Forward every capture to this URL (repeatable); the captured path is appended when the URL''s path is /'
            cand --forward-timeout 'Give up on a target after this long [default: 30s]'
            cand --retry 'Retry a target that refuses the connection N times, with backoff [default: 0]'
            cand --secret 'A signing secret, PROVIDER=SECRET; SECRET may be @file or env:VAR (repeatable)'
            cand --tolerance 'Replay window for signed timestamps, e.g. 300s, or `none` [default: each provider''s own]'
            cand --public-url 'The URL providers call (your tunnel); Twilio and Square sign it [default: http://HOST]'
            cand --inspect-host 'Address the inspector (feed, API, web page) binds [default: 127.0.0.1]'
            cand --inspect-port 'Port of the inspector; 0 picks a free one [default: 7071]'
            cand --token 'Require this token on every inspector request (`Authorization: Bearer` or `?token=`), given as text, @file or env:VAR; needed to bind a non-loopback --inspect-host'
            cand --cors 'Let web pages of this origin read the feed and the API (CORS), e.g. http://localhost:3000'
            cand --source 'Also receive from this SSE feed: another whisper''s /events, or a smee.io or gosmee channel'
            cand --source-token 'Bearer token for a protected --source (another whisper''s --token)'
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --proxy 'Answer each sender with the first target''s response (status, headers, body)'
            cand --json 'Print NDJSON events instead of the terminal UI'
            cand --no-tui 'Print one line per capture instead of the terminal UI'
            cand -v 'Say more (-vv for debug detail)'
            cand --verbose 'Say more (-vv for debug detail)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whisper;list'= {
            cand -n 'How many captures to show'
            cand --limit 'How many captures to show'
            cand --provider 'Only captures signed by this provider'
            cand --method 'Only this method (GET, POST, …)'
            cand --path 'Only paths matching this glob (`*` matches anything, `?` one character)'
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --invalid 'Only captures whose signature failed (invalid, expired, unsigned)'
            cand --json 'Print a JSON array of capture summaries, newest first'
            cand -v 'Say more (-vv for debug detail)'
            cand --verbose 'Say more (-vv for debug detail)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whisper;ls'= {
            cand -n 'How many captures to show'
            cand --limit 'How many captures to show'
            cand --provider 'Only captures signed by this provider'
            cand --method 'Only this method (GET, POST, …)'
            cand --path 'Only paths matching this glob (`*` matches anything, `?` one character)'
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --invalid 'Only captures whose signature failed (invalid, expired, unsigned)'
            cand --json 'Print a JSON array of capture summaries, newest first'
            cand -v 'Say more (-vv for debug detail)'
            cand --verbose 'Say more (-vv for debug detail)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whisper;show'= {
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --json 'Print the capture as JSON'
            cand --raw 'Print the HTTP request as received'
            cand --body 'Write the exact body bytes'
            cand --curl 'Print a curl command that sends the same request'
            cand -v 'Say more (-vv for debug detail)'
            cand --verbose 'Say more (-vv for debug detail)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whisper;replay'= {
            cand --to 'Where to send [default: the capture''s route targets, or listen.forward]'
            cand --secret 'Secret for --resign, PROVIDER=SECRET (@file, env:VAR) (repeatable)'
            cand --set-header 'Set a header, replacing its values: ''Name: value'' (repeatable)'
            cand --remove-header 'Remove a header (repeatable)'
            cand --body 'Replace the body: text, or @file'
            cand --timeout 'Give up on a target after this long'
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --resign 'Re-sign with a fresh timestamp and id (secret from --secret or the config)'
            cand --edit 'Edit the request in $EDITOR before sending (needs a terminal)'
            cand --fail 'Exit 1 when a target answers with 400 or more'
            cand --json 'Print each result as JSON (an attempt object per line)'
            cand -v 'Say more (-vv for debug detail)'
            cand --verbose 'Say more (-vv for debug detail)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whisper;sign'= {
            cand --secret 'The secret (@file, env:VAR); repeat for one signature per secret where the provider allows several [default: from [secrets]]'
            cand -d 'The body, as text'
            cand --data 'The body, as text'
            cand --file 'The body, from a file (`-` for standard input); without --data or --file, standard input is read'
            cand --timestamp 'Unix time to sign with [default: now]'
            cand --id 'Message or delivery id (Mailgun: the token) [default: a fresh one]'
            cand --url 'The URL the provider calls; Twilio and Square sign it [default: the --send URL]'
            cand --content-type 'Content-Type of the body [default: JSON, or a form when the body is one]'
            cand --format 'What to print'
            cand --send 'Send the signed request to this URL and print the response'
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand -v 'Say more (-vv for debug detail)'
            cand --verbose 'Say more (-vv for debug detail)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whisper;verify'= {
            cand --provider 'The provider [default: detected from the headers]'
            cand --secret 'PROVIDER=SECRET, or SECRET with --provider (@file, env:VAR) (repeatable) [default: from [secrets]]'
            cand -H 'A request header, ''Name: value'' (repeatable)'
            cand --header 'A request header, ''Name: value'' (repeatable)'
            cand -d 'The body, as text'
            cand --data 'The body, as text'
            cand --file 'The body, from a file (`-` for standard input)'
            cand --url 'The URL the provider called (Twilio, Square) [default: http://HOST/TARGET of the capture]'
            cand --tolerance 'Replay window, e.g. 300s, or `none` [default: the provider''s own]'
            cand --now 'Check as of this Unix time [default: now]'
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --json 'Print {"provider","verdict","reason"}'
            cand -v 'Say more (-vv for debug detail)'
            cand --verbose 'Say more (-vv for debug detail)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whisper;clear'= {
            cand --before 'Delete the captures older than this id'
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand --all 'Delete every capture'
            cand -y 'Do not ask for confirmation (never asked when not on a terminal)'
            cand --yes 'Do not ask for confirmation (never asked when not on a terminal)'
            cand -v 'Say more (-vv for debug detail)'
            cand --verbose 'Say more (-vv for debug detail)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whisper;completions'= {
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand -v 'Say more (-vv for debug detail)'
            cand --verbose 'Say more (-vv for debug detail)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whisper;man'= {
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
            cand -v 'Say more (-vv for debug detail)'
            cand --verbose 'Say more (-vv for debug detail)'
            cand -q 'Print only errors'
            cand --quiet 'Print only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'whisper;help'= {
            cand listen 'Receive webhooks: store every request, verify, forward, show them live'
            cand list 'List the newest captures'
            cand show 'Show one capture: headers, body, verdict, attempts'
            cand replay 'Send captures again: to a URL, edited, or re-signed with a fresh timestamp'
            cand sign 'Build a correctly signed request for a provider (and send it)'
            cand verify 'Check a signature: of a stored capture, or of a request given here'
            cand clear 'Delete captures from the store'
            cand completions 'Print shell completions'
            cand man 'Print the man page'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'whisper;help;listen'= {
        }
        &'whisper;help;list'= {
        }
        &'whisper;help;show'= {
        }
        &'whisper;help;replay'= {
        }
        &'whisper;help;sign'= {
        }
        &'whisper;help;verify'= {
        }
        &'whisper;help;clear'= {
        }
        &'whisper;help;completions'= {
        }
        &'whisper;help;man'= {
        }
        &'whisper;help;help'= {
        }
    ]
    $completions[$command]
}
