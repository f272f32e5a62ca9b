
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
            cand --retain 'Keep only the newest N captures [default: keep all]'
            cand --inspect-host 'Address the inspector (feed, API, web page) binds [default: 127.0.0.1]'
            cand --inspect-port 'Port of the inspector; 0 picks a free one [default: 7071]'
            cand --token 'Require this token on every inspector request (`Authorization: Bearer` or `?token=`), given as text, @file or env:VAR; needed to bind a non-loopback --inspect-host'
            cand --cors 'Let web pages of this origin read the feed and the API (CORS), e.g. http://localhost:3000'
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
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
            cand --method 'Only this method (GET, POST, …)'
            cand --path 'Only paths matching this glob (`*` matches anything, `?` one character)'
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
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
            cand --method 'Only this method (GET, POST, …)'
            cand --path 'Only paths matching this glob (`*` matches anything, `?` one character)'
            cand --db 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]'
            cand --config 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]'
            cand --color 'When to use colours (NO_COLOR is honoured)'
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
