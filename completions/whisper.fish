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
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l retain -d 'Keep only the newest N captures [default: keep all]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l inspect-host -d 'Address the inspector (feed, API, web page) binds [default: 127.0.0.1]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l inspect-port -d 'Port of the inspector; 0 picks a free one [default: 7071]' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l token -d 'Require this token on every inspector request (`Authorization: Bearer` or `?token=`), given as text, @file or env:VAR; needed to bind a non-loopback --inspect-host' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l cors -d 'Let web pages of this origin read the feed and the API (CORS), e.g. http://localhost:3000' -r
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l json -d 'Print NDJSON events instead of the terminal UI'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -l no-tui -d 'Print one line per capture instead of the terminal UI'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand listen" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand list" -s n -l limit -d 'How many captures to show' -r
complete -c whisper -n "__fish_whisper_using_subcommand list" -l method -d 'Only this method (GET, POST, …)' -r
complete -c whisper -n "__fish_whisper_using_subcommand list" -l path -d 'Only paths matching this glob (`*` matches anything, `?` one character)' -r
complete -c whisper -n "__fish_whisper_using_subcommand list" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand list" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand list" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c whisper -n "__fish_whisper_using_subcommand list" -l json -d 'Print a JSON array of capture summaries, newest first'
complete -c whisper -n "__fish_whisper_using_subcommand list" -s v -l verbose -d 'Say more (-vv for debug detail)'
complete -c whisper -n "__fish_whisper_using_subcommand list" -s q -l quiet -d 'Print only errors'
complete -c whisper -n "__fish_whisper_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c whisper -n "__fish_whisper_using_subcommand list" -s V -l version -d 'Print version'
complete -c whisper -n "__fish_whisper_using_subcommand ls" -s n -l limit -d 'How many captures to show' -r
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l method -d 'Only this method (GET, POST, …)' -r
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l path -d 'Only paths matching this glob (`*` matches anything, `?` one character)' -r
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l db -d 'The store [default: $XDG_DATA_HOME/whisper/whisper.db]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l config -d 'Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]' -r -F
complete -c whisper -n "__fish_whisper_using_subcommand ls" -l color -d 'When to use colours (NO_COLOR is honoured)' -r -f -a "auto\t'When writing to a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
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
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show clear completions man help" -f -a "listen" -d 'Receive webhooks: store every request, verify, forward, show them live'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show clear completions man help" -f -a "list" -d 'List the newest captures'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show clear completions man help" -f -a "show" -d 'Show one capture: headers, body, verdict, attempts'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show clear completions man help" -f -a "clear" -d 'Delete captures from the store'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show clear completions man help" -f -a "completions" -d 'Print shell completions'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show clear completions man help" -f -a "man" -d 'Print the man page'
complete -c whisper -n "__fish_whisper_using_subcommand help; and not __fish_seen_subcommand_from listen list show clear completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
