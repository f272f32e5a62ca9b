# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_whisper_global_optspecs
    string join \n db= config= v/verbose q/quiet color= h/help V/version
end

function __fish_whisper_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_whisper_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_whisper_using_subcommand
    set -l cmd (__fish_whisper_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c whisper -n "__fish_whisper_needs_command" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_needs_command" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_needs_command" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_needs_command" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_needs_command" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_needs_command" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_needs_command" -f -a "listen" -d 'Receive webhooks: store every request, verify, forward, show them live'
complete -c whisper -n "__fish_whisper_needs_command" -f -a "list" -d 'List the newest captures'
complete -c whisper -n "__fish_whisper_needs_command" -f -a "ls" -d 'List the newest captures'
complete -c whisper -n "__fish_whisper_needs_command" -f -a "show" -d 'Show one capture: headers, body, verdict, attempts'
complete -c whisper -n "__fish_whisper_needs_command" -f -a "replay" -d 'Send captures again: to a URL, edited, or re-signed with a fresh timestamp'
complete -c whisper -n "__fish_whisper_needs_command" -f -a "sign" -d 'Build a correctly signed request for a provider (and send it)'
complete -c whisper -n "__fish_whisper_needs_command" -f -a "verify" -d 'Check a signature: of a stored capture, or of a request given here'
complete -c whisper -n "__fish_whisper_needs_command" -f -a "clear" -d 'Delete captures from the store'
complete -c whisper -n "__fish_whisper_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c whisper -n "__fish_whisper_needs_command" -f -a "man" -d 'Print the man page'
complete -c whisper -n "__fish_whisper_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l host -d 'Address the receiver binds [default: 127.0.0.1]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -s p -l port -d 'Port of the receiver; 0 picks a free one [default: 7070]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l status -d 'Status code of the answer [default: 200]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l response-body -d 'Body of the answer, as text or @file [default: {"id":N}]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l response-header -d 'Extra header of the answer, \'Name: value\' (repeatable)' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l delay -d 'Wait this long (after storing) before answering, e.g. 2s' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l max-body-size -d 'Largest body accepted; larger ones get 413 unread [default: 25MiB]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l max-store-size -d 'Largest the store may grow; when full, senders get 503 until room is made [default: no limit]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l retain -d 'Keep only the newest N captures [default: keep all]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -s f -l forward -d 'Forward every capture to this URL (repeatable); the captured path is appended when the URL\'s path is /' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l forward-timeout -d 'Give up on a target after this long [default: 30s]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l retry -d 'Retry a target that refuses the connection N times, with backoff [default: 0]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l secret -d 'A signing secret, PROVIDER=SECRET; SECRET may be @file or env:VAR (repeatable)' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l tolerance -d 'Replay window for signed timestamps, e.g. 300s, or `none` [default: each provider\'s own]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l public-url -d 'The URL providers call (your tunnel); Twilio and Square sign it [default: http://HOST]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l inspect-host -d 'Address the inspector (feed, API, web page) binds [default: 127.0.0.1]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l inspect-port -d 'Port of the inspector; 0 picks a free one [default: 7071]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l token -d 'Require this token on every inspector request (`Authorization: Bearer` or `?token=`), given as text, @file or env:VAR; needed to bind a non-loopback --inspect-host' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l cors -d 'Let web pages of this origin read the feed and the API (CORS), e.g. http://localhost:3000' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l source -d 'Also receive from this SSE feed: another whisper\'s /events, or a smee.io or gosmee channel' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l source-token -d 'Bearer token for a protected --source (another whisper\'s --token)' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l proxy -d 'Answer each sender with the first target\'s response (status, headers, body)'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l json -d 'Print NDJSON events instead of the terminal UI'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l no-tui -d 'Print one line per capture instead of the terminal UI'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand list" -s n -l limit -d 'How many captures to show' -r
complete -c whisper -n "__fish_whisper_using_subcommand list" -l provider -d 'Only captures signed by this provider' -r
complete -c whisper -n "__fish_whisper_using_subcommand list" -l method -d 'Only this method (GET, POST, …)' -r
complete -c whisper -n "__fish_whisper_using_subcommand list" -l path -d 'Only paths matching this glob (`*` matches anything, `?` one character)' -r
complete -c whisper -n "__fish_whisper_using_subcommand list" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand list" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand list" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand list" -l invalid -d 'Only captures whose signature failed (invalid, expired, unsigned)'
complete -c whisper -n "__fish_whisper_using_subcommand list" -l json -d 'Print a JSON array of capture summaries, newest first'
complete -c whisper -n "__fish_whisper_using_subcommand list" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand list" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand list" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand ls" -s n -l limit -d 'How many captures to show' -r
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l provider -d 'Only captures signed by this provider' -r
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l method -d 'Only this method (GET, POST, …)' -r
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l path -d 'Only paths matching this glob (`*` matches anything, `?` one character)' -r
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l invalid -d 'Only captures whose signature failed (invalid, expired, unsigned)'
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l json -d 'Print a JSON array of capture summaries, newest first'
complete -c whisper -n "__fish_whisper_using_subcommand ls" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand ls" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand ls" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand show" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand show" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand show" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand show" -l json -d 'Print the capture as JSON'
complete -c whisper -n "__fish_whisper_using_subcommand show" -l raw -d 'Print the HTTP request as received'
complete -c whisper -n "__fish_whisper_using_subcommand show" -l body -d 'Write the exact body bytes'
complete -c whisper -n "__fish_whisper_using_subcommand show" -l curl -d 'Print a curl command that sends the same request'
complete -c whisper -n "__fish_whisper_using_subcommand show" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand show" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand show" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l to -d 'Where to send [default: the capture\'s route targets, or listen.forward]' -r
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l secret -d 'Secret for --resign, PROVIDER=SECRET (@file, env:VAR) (repeatable)' -r
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l set-header -d 'Set a header, replacing its values: \'Name: value\' (repeatable)' -r
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l remove-header -d 'Remove a header (repeatable)' -r
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l body -d 'Replace the body: text, or @file' -r
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l timeout -d 'Give up on a target after this long' -r
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l resign -d 'Re-sign with a fresh timestamp and id (secret from --secret or the config)'
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l edit -d 'Edit the request in $EDITOR before sending (needs a terminal)'
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l fail -d 'Exit 1 when a target answers with 400 or more'
complete -c whisper -n "__fish_whisper_using_subcommand replay" -l json -d 'Print each result as JSON (an attempt object per line)'
complete -c whisper -n "__fish_whisper_using_subcommand replay" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand replay" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand replay" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand sign" -l secret -d 'The secret (@file, env:VAR); repeat for one signature per secret where the provider allows several [default: from [secrets]]' -r
complete -c whisper -n "__fish_whisper_using_subcommand sign" -s d -l data -d 'The body, as text' -r
complete -c whisper -n "__fish_whisper_using_subcommand sign" -l file -d 'The body, from a file (`-` for standard input); without --data or --file, standard input is read' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand sign" -l timestamp -d 'Unix time to sign with [default: now]' -r
complete -c whisper -n "__fish_whisper_using_subcommand sign" -l id -d 'Message or delivery id (Mailgun: the token) [default: a fresh one]' -r
complete -c whisper -n "__fish_whisper_using_subcommand sign" -l url -d 'The URL the provider calls; Twilio and Square sign it [default: the --send URL]' -r
complete -c whisper -n "__fish_whisper_using_subcommand sign" -l content-type -d 'Content-Type of the body [default: JSON, or a form when the body is one]' -r
complete -c whisper -n "__fish_whisper_using_subcommand sign" -l format -d 'What to print' -r -f -a "headers\t'The header lines'
json\t'{"provider","method","url","headers","body","body_base64"}'
curl\t'A curl command'
http\t'The whole HTTP request'"
complete -c whisper -n "__fish_whisper_using_subcommand sign" -l send -d 'Send the signed request to this URL and print the response' -r
complete -c whisper -n "__fish_whisper_using_subcommand sign" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand sign" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand sign" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand sign" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand sign" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand sign" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand verify" -l provider -d 'The provider [default: detected from the headers]' -r
complete -c whisper -n "__fish_whisper_using_subcommand verify" -l secret -d 'PROVIDER=SECRET, or SECRET with --provider (@file, env:VAR) (repeatable) [default: from [secrets]]' -r
complete -c whisper -n "__fish_whisper_using_subcommand verify" -s H -l header -d 'A request header, \'Name: value\' (repeatable)' -r
complete -c whisper -n "__fish_whisper_using_subcommand verify" -s d -l data -d 'The body, as text' -r
complete -c whisper -n "__fish_whisper_using_subcommand verify" -l file -d 'The body, from a file (`-` for standard input)' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand verify" -l url -d 'The URL the provider called (Twilio, Square) [default: http://HOST/TARGET of the capture]' -r
complete -c whisper -n "__fish_whisper_using_subcommand verify" -l tolerance -d 'Replay window, e.g. 300s, or `none` [default: the provider\'s own]' -r
complete -c whisper -n "__fish_whisper_using_subcommand verify" -l now -d 'Check as of this Unix time [default: now]' -r
complete -c whisper -n "__fish_whisper_using_subcommand verify" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand verify" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand verify" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand verify" -l json -d 'Print {"provider","verdict","reason"}'
complete -c whisper -n "__fish_whisper_using_subcommand verify" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand verify" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand verify" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand clear" -l before -d 'Delete the captures older than this id' -r
complete -c whisper -n "__fish_whisper_using_subcommand clear" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand clear" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand clear" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand clear" -l all -d 'Delete every capture'
complete -c whisper -n "__fish_whisper_using_subcommand clear" -s y -l yes -d 'Do not ask for confirmation (never asked when not on a terminal)'
complete -c whisper -n "__fish_whisper_using_subcommand clear" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand clear" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand clear" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand clear" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand completions" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand completions" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand completions" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand completions" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand completions" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand completions" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand man" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand man" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand man" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand man" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand man" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand man" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show replay sign verify clear completions man help" -f -a "listen" -d 'Receive webhooks: store every request, verify, forward, show them live'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show replay sign verify clear completions man help" -f -a "list" -d 'List the newest captures'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show replay sign verify clear completions man help" -f -a "show" -d 'Show one capture: headers, body, verdict, attempts'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show replay sign verify clear completions man help" -f -a "replay" -d 'Send captures again: to a URL, edited, or re-signed with a fresh timestamp'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show replay sign verify clear completions man help" -f -a "sign" -d 'Build a correctly signed request for a provider (and send it)'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show replay sign verify clear completions man help" -f -a "verify" -d 'Check a signature: of a stored capture, or of a request given here'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show replay sign verify clear completions man help" -f -a "clear" -d 'Delete captures from the store'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show replay sign verify clear completions man help" -f -a "completions" -d 'Print shell completions'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show replay sign verify clear completions man help" -f -a "man" -d 'Print the man page'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show replay sign verify clear completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
