#!/usr/bin/python3
"""Experiment (models/rforest-experimental.md, "Per-host features"): do
per-source-host features help a forest find a P2P botnet it was not trained on?

Trains scikit-learn's forest (100 trees, min leaf 20, seed 1) on flow features
close to botrecon's feature set 2 plus, unless `nohost` is given, per-host
ratios computed over each input file (distinct destinations / flows, distinct
destination ports / flows, shares of TCP/UDP/ICMP, failed, DNS, SMTP, web and
non-well-known-port flows, mean log bytes and duration). Training: CTU-13
(scenario 6 first 70 min, 11, 5 head), slips test2 (botnet), nDPI (normal) and
the P2P captures not named on the command line; prints what is flagged in
test.csv, scenario 6's last 30 minutes, mypcap and each P2P capture.

  for p in storm kelihos sality mypcap; do argus -r ../shared/data/captures/$p.pcap -w /tmp/p2p/$p.argus
    ra -r /tmp/p2p/$p.argus -Z b -n -u -c , -s stime dur proto saddr sport dir daddr dport state stos dtos \
      pkts bytes sbytes > /tmp/p2p/$p.csv; done
  /usr/bin/python3 tools/host_features_experiment.py storm [nohost]     # storm left out of training
"""
import sys, numpy as np, pandas as pd
from sklearn.ensemble import RandomForestClassifier

from sklearn_reference import port  # the same port parsing as the side-by-side reference
import os
D=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'data'); P='/tmp/p2p'
def load(path, label=None, sep=None, window=None, truth=None):
    df=pd.read_csv(path, sep=sep or ',', low_memory=False, engine='c')
    df.columns=[c.strip().lower() for c in df.columns]
    if window is not None:
        t=pd.to_datetime(df['starttime'], format='%Y/%m/%d %H:%M:%S.%f'); m=(t-t.iloc[0]).dt.total_seconds()/60
        lo,hi=window; keep=np.ones(len(df),bool)
        if lo is not None: keep&=m>=lo
        if hi is not None: keep&=m<hi
        df=df[keep]
    out=pd.DataFrame({'src':df['srcaddr'].astype(str).str.strip(),'dst':df['dstaddr'].astype(str).str.strip(),
        'proto':df['proto'].astype(str).str.strip().str.lower(),'sport':[port(v) for v in df['sport']],'dport':[port(v) for v in df['dport']],
        'state':df['state'].fillna('').astype(str).str.strip(),'dur':pd.to_numeric(df['dur'],errors='coerce').fillna(-1),
        'tot':pd.to_numeric(df['totbytes'],errors='coerce').fillna(-1),'srcb':pd.to_numeric(df['srcbytes'],errors='coerce').fillna(-1)})
    if label is not None: out['y']=label
    elif truth is not None: out['y']=out['src'].isin(truth).astype(int)
    else: out['y']=df['label'].astype(str).str.contains('From-Botnet').astype(int).values
    out=out[out.proto!='man']
    return out.reset_index(drop=True)
KNOWN=[20,21,22,23,25,53,67,80,110,123,135,137,139,143,161,443,445,465,587,993,1900,3389,6667,8080]
def pclass(p): return np.where(p<0,-1,np.where(p<1024,0,np.where(p<49152,1,2)))
def flags(state, proto):
    s=state.str
    has_us=state.str.contains('_')
    src=state.str.split('_').str[0].fillna(''); dst=state.str.split('_').str[1].fillna('')
    f={}
    for side,txt in (('s',src),('d',dst)):
        for fl in 'SAFRP': f[side+fl]=np.where(has_us, txt.str.contains(fl).astype(int), -1)
    return f
def flow_features(df):
    X=pd.DataFrame()
    X['proto']=df.proto.map({'tcp':1,'udp':2,'icmp':3,'ipv6-icmp':4,'igmp':5,'arp':6}).fillna(0)
    X['dclass']=pclass(df.dport); X['dknown']=np.where(df.dport<0,-1,np.where(df.dport.isin(KNOWN),df.dport,0)); X['sclass']=pclass(df.sport)
    st=df.state
    X['oneway']=st.isin(['INT','REQ','S0','SH','RSTOS0']).astype(int)
    X['both']=st.isin(['CON','RSP','SF','S1','OTH']).astype(int)
    for k,v in flags(st,df.proto).items(): X[k]=v
    X['ldur']=np.where(df.dur<0,-1,np.log1p(df.dur.clip(lower=0)))
    X['ltot']=np.where(df.tot<0,-1,np.log1p(df.tot.clip(lower=0)))
    X['share']=np.where((df.tot>0)&(df.srcb>=0),df.srcb/df.tot.where(df.tot>0,1),-1)
    bps=np.where((df.dur>0)&(df.tot>=0),df.tot*8/df.dur.where(df.dur>0,1),0)
    X['lbps']=np.log1p(bps)
    return X
def host_features(df, X):
    g=pd.DataFrame({'src':df.src,'dst':df.dst,'dport':df.dport,'tcp':(X.proto==1).astype(float),'udp':(X.proto==2).astype(float),
        'icmp':(X.proto==3).astype(float),'fail':(X.oneway | ((X.sS==1)&(X.dA!=1))).astype(float),
        'dns':(df.dport==53).astype(float),'smtp':(df.dport.isin([25,465,587])).astype(float),'web':(df.dport.isin([80,443,8080])).astype(float),
        'dyn':(X.dclass>=1).astype(float),'ltot':X.ltot,'ldur':X.ldur})
    grp=g.groupby('src')
    H=pd.DataFrame({'h_n':grp.size()})
    H['h_dst_ratio']=grp['dst'].nunique()/H.h_n
    H['h_dport_ratio']=grp['dport'].nunique()/H.h_n
    for c in ['tcp','udp','icmp','fail','dns','smtp','web','dyn','ltot','ldur']: H['h_'+c]=grp[c].mean()
    H=H.drop(columns=['h_n'])
    return H.loc[df.src].reset_index(drop=True)
def featurize(df, use_host=True):
    X=flow_features(df)
    if use_host: X=pd.concat([X, host_features(df,X)],axis=1)
    return X
C=D+'/ctu13'
INF10=['147.32.84.165','147.32.84.191','147.32.84.192','147.32.84.193','147.32.84.204','147.32.84.205','147.32.84.206','147.32.84.207','147.32.84.208','147.32.84.209']
def main():
    use_host = 'nohost' not in sys.argv
    hold = [a for a in sys.argv[1:] if a in ('storm','kelihos','sality')]
    p2p={'storm':'10.0.1.1','kelihos':'172.16.253.132','sality':'10.0.2.15'}
    train=[load(C+'/scenario6-menti-first100min.binetflow',window=(None,70)), load(C+'/scenario11-rbot.binetflow'), load(C+'/scenario5-virut-head.binetflow'),
           load(D+'/flows/slips/test2-malicious.binetflow',label=1), load(D+'/flows/ndpi-normal/ndpi-apps.binetflow',label=0)]
    for k,ip in p2p.items():
        if k not in hold: train.append(load(f'{P}/{k}.csv',truth=[ip]))
    Xs=[featurize(t,use_host) for t in train]; X=pd.concat(Xs,ignore_index=True); y=pd.concat([t.y for t in train],ignore_index=True)
    clf=RandomForestClassifier(n_estimators=100,min_samples_leaf=20,random_state=1,n_jobs=2).fit(X.values,y.values)
    def hosts(df):
        p=clf.predict_proba(featurize(df,use_host).values)[:,1]
        return pd.DataFrame({'h':df.src,'s':p}).groupby('h')['s'].agg(['mean','count'])
    t=hosts(load(D+'/original-tests/test.csv',label=0)); fl=t[t['mean']>=0.5]
    found=[h for h in fl.index if h in INF10]; fp=[h for h in fl.index if h not in INF10]
    print('test.csv found',len(found),'FP',len(fp),fp[:8], '.165 %.2f .192 %.2f'%(t.loc['147.32.84.165','mean'],t.loc['147.32.84.192','mean']))
    s6=hosts(load(C+'/scenario6-menti-first100min.binetflow',window=(70,None))); f6=s6[(s6['mean']>=0.5)]
    print('s6 last30 flagged', f6.index.tolist()[:10], 'FP>=20', len(f6[(f6['count']>=20)&(f6.index!='147.32.84.165')]))
    m=hosts(load(P+'/mypcap.csv',label=0)); print('mypcap FP', m[m['mean']>=0.5].index.tolist())
    for k,ip in p2p.items():
        h=hosts(load(f'{P}/{k}.csv',truth=[ip])); print(k,'(held out)' if k in hold else '(trained)','%.2f'%h.loc[ip,'mean'], 'others flagged', h[(h['mean']>=0.5)&(h.index!=ip)].index.tolist())
    for path,ip in ((D+'/flows/slips/test4-malicious.binetflow','192.168.2.12'),(D+'/flows/slips/test11-portscan.binetflow','10.8.0.69')):
        h=hosts(load(path,label=0)); print(path.split('/')[-1],'%.2f'%h.loc[ip,'mean'],'others flagged',h[(h['mean']>=0.5)&(h.index!=ip)].index.tolist())
main()
