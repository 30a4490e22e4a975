/**
 * SIPp playing the demo carrier: an INVITE straight to the 400 number (Request-URI and To, as
 * carriers deliver it), PCMU with RFC 4733 telephone-event, then a tone pcap and DTMF pcaps in
 * turn, then BYE. Written here so the pcap paths can be filled in.
 */
export interface CarrierStep {
  pcap: string;
  pauseMs: number;
}

/** `codec` is what the audio pcap carries (SIPp's own g711a.pcap is PCMA). */
export function carrierScenario(steps: CarrierStep[], codec: 'PCMU' | 'PCMA' = 'PCMU'): string {
  const pt = codec === 'PCMU' ? 0 : 8;
  const plays = steps
    .map(
      (s) => `
  <nop><action><exec play_pcap_audio="${s.pcap}"/></action></nop>
  <pause milliseconds="${s.pauseMs}"/>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="demo carrier dials the 400 number">
  <send retrans="500">
    <![CDATA[

      INVITE sip:[service]@[remote_ip]:[remote_port];user=phone SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[caller]@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:[caller]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=carrier 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP ${pt} 101
      a=rtpmap:${pt} ${codec}/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true" rrs="true"/>
  <send>
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[caller]@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      [routes]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>${plays}
  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:[caller]@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 2 BYE
      [routes]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
</scenario>
`;
}
