// The allow-list check: the same sentences as layer-proxy.sh gives at boot, here at deployment time, so a
// malformed entry stops the deployment before any resource is touched (ARM evaluates fail() during validation).

@export()
@description('The allow-list in lower case, or a failed deployment whose message names the first malformed entry.')
func checkedAllowList(entries string[]) string[] =>
  empty(entries)
    ? fail('The allow-list is empty: list at least one host name, such as deb.debian.org.')
    : !empty(problems(map(entries, entry => toLower(entry))))
        ? fail(problems(map(entries, entry => toLower(entry)))[0])
        : map(entries, entry => toLower(entry))

@export()
@description('True when an allow-list entry lets the host name through: the exact name, or a wildcard above it.')
func allows(entries string[], host string) bool =>
  contains(entries, host) || !empty(filter(entries, entry => startsWith(entry, '*.') && endsWith(host, substring(entry, 1))))

// Each entry's problem in list order, a repeated entry included, so the first one named is the first in the list.
func problems(entries string[]) string[] =>
  filter(
    map(
      range(0, length(entries)),
      i =>
        !empty(entryProblem(entries[i]))
          ? entryProblem(entries[i])
          : indexOf(entries, entries[i]) != i
              ? 'Allow-list entry \'${entries[i]}\' is listed twice: list each name once.'
              : ''
    ),
    problem => !empty(problem)
  )

func entryProblem(entry string) string =>
  empty(entry)
    ? 'Allow-list entry \'\' is empty: remove it or give a host name.'
    : contains(entry, ' ') || contains(entry, '\t') || contains(entry, '\n') || contains(entry, '\r')
        ? 'Allow-list entry \'${entry}\' contains spaces: list one host name per entry.'
        : contains(entry, '://')
            ? 'Allow-list entry \'${entry}\' has a scheme: list the host name only, without https://.'
            : contains(entry, '/')
                ? 'Allow-list entry \'${entry}\' has a path: list the host name only; the proxies see names, not paths.'
                : contains(entry, ':')
                    ? 'Allow-list entry \'${entry}\' has a port: list the host name only; the proxies carry TLS on port 443.'
                    : hostProblem(entry, startsWith(entry, '*.') ? substring(entry, 2) : entry)

func hostProblem(entry string, host string) string =>
  contains(host, '*')
    ? 'Allow-list entry \'${entry}\' has a \'*\' that is not the whole leading label: write wildcards as *.example.com.'
    : !empty(filter(range(0, length(host)), i => !contains('abcdefghijklmnopqrstuvwxyz0123456789.-', substring(host, i, 1))))
        ? 'Allow-list entry \'${entry}\' is not a host name: use lower-case letters, digits, hyphens and dots.'
        : contains(split(host, '.'), '')
            ? 'Allow-list entry \'${entry}\' has an empty label: remove the extra dot.'
            : length(split(host, '.')) < 2
                ? 'Allow-list entry \'${entry}\' has a single label: give a full name such as example.com.'
                : length(host) > 253
                    ? 'Allow-list entry \'${entry}\' is longer than 253 characters: shorten it.'
                    : !empty(filter(split(host, '.'), label => startsWith(label, '-') || endsWith(label, '-')))
                        ? 'Allow-list entry \'${entry}\' has a label that starts or ends with a hyphen: fix the name.'
                        : !empty(filter(split(host, '.'), label => length(label) > 63))
                            ? 'Allow-list entry \'${entry}\' has a label longer than 63 characters: shorten it.'
                            : ''
