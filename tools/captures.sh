# Sourced by tools/train-builtin-models.sh and tools/eval-unseen.sh: the
# labelled malicious captures of ../shared/data whose infected host is known,
# as flows botrecon reads. Pcaps go through argus + ra, the nfdump file through
# `nfdump -B -o csv` (bidirectional records); Argus binetflows and Zeek logs
# are read as they are. Needs argus, ra and nfdump.
#
#   prepare_captures DATA_DIR TMP_DIR
#
# prints one line per capture: NAME FILE INFECTED[,INFECTED...]. The infected
# host is the one the capture's README names (Stratosphere 002, 003; slips
# test19), else the host that originates most flows (the P2P captures, slips
# test4/7/8/11/12, test-cc, port-scans, test14/15, Stratosphere 005: its
# Windows host has an IPv4 and an IPv6 address).
capture_flows() {  # capture_flows PCAP OUT.csv
  argus -r "$1" -w "$2.argus"
  ra -r "$2.argus" -Z b -n -u -c , -s stime dur proto saddr sport dir daddr dport state stos dtos pkts bytes sbytes \
    > "$2"
  rm -f "$2.argus"
}

prepare_captures() {
  _d=$1
  _t=$2
  _s=$_d/flows/slips
  _z=$_d/flows/stratosphere-zeek
  for _p in storm kelihos sality; do capture_flows "$_d/captures/$_p.pcap" "$_t/$_p.csv"; done
  for _p in test7-malicious test8-malicious test12-icmp-portscan; do capture_flows "$_s/$_p.pcap" "$_t/$_p.csv"; done
  capture_flows "$_s/test19-malicious-ssh/malicious-ssh-bruteforce.pcap" "$_t/test19.csv"
  capture_flows "$_s/test-cc/test-cc-capture-1.pcap" "$_t/cc1.csv"
  capture_flows "$_s/test-cc/test-cc-capture-2.pcap" "$_t/cc2.csv"
  nfdump -B -o csv -r "$_s/test1-malicious.nfdump" > "$_t/test1.csv"
  cat << LIST
storm.pcap $_t/storm.csv 10.0.1.1
kelihos.pcap $_t/kelihos.csv 172.16.253.132
sality.pcap $_t/sality.csv 10.0.2.15
slips-test1.nfdump $_t/test1.csv 147.32.80.119
slips-test4 $_s/test4-malicious.binetflow 192.168.2.12
slips-test7.pcap $_t/test7-malicious.csv 192.168.2.16
slips-test8.pcap $_t/test8-malicious.csv 192.168.1.247
slips-test11-portscan $_s/test11-portscan.binetflow 10.8.0.69
slips-test12-icmp-portscan.pcap $_t/test12-icmp-portscan.csv 192.168.1.109
slips-test19-ssh-bruteforce.pcap $_t/test19.csv 147.32.80.40
slips-test-cc-1.pcap $_t/cc1.csv 147.32.80.37
slips-test-cc-2.pcap $_t/cc2.csv 147.32.80.37
slips-port-scans/horizontal $_s/port-scans/horizontal/conn.log 10.0.2.112
slips-port-scans/vertical $_s/port-scans/vertical/conn.log 192.168.1.9
slips-test14 $_s/test14-malicious-zeek-dir/conn.log 10.0.2.15
slips-test15 $_s/test15-malicious-zeek-dir/conn.log 10.0.2.15
stratosphere-002-portscan $_z/002-zeek-scenario-port-scanning/conn.log 172.16.1.11
stratosphere-003-android-rat $_z/003-zeek-scenario-malicious/conn.log 10.8.0.61
stratosphere-005-simda $_z/005-zeek-scenario-malicious/conn.log 192.168.1.116,fd77:48a1:c0bb:0:b96c:506d:6c7f:e8be
LIST
}
