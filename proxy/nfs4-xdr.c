/*
 * GENERATED FILE - do not edit. Made by proxy/xdrgen.py from proxy/nfs4.x
 * (`make regen-xdr`).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "nfs4.h"
#include "nfs4-xdr.h"

const struct nfs4_xdr_node nfs4_xdr_nodes[370] = {
	[0] = { NFS4_XK_VOID, 0, 0, 0, 0, 0 },
	[1] = { NFS4_XK_U32, 0, 0, 0, 0, 0 },	/* nfsstat4 */
	[2] = { NFS4_XK_ARRAY, 0, 0, 1, 8, 0 },	/* bitmap4 */
	[3] = { NFS4_XK_U64, 0, 0, 0, 0, 0 },	/* changeid4 */
	[4] = { NFS4_XK_OPAQUE, 0, 0, 128, 0, 0 },
	[5] = { NFS4_XK_OPAQUE, NFS4_MARK_FH, 0, 128, 0, 0 },	/* nfs_fh4 */
	[6] = { NFS4_XK_OPAQUE, 0, 0, 1024, 0, 0 },	/* sec_oid4 */
	[7] = { NFS4_XK_OPAQUE_FIXED, 0, 0, 16, 0, 0 },	/* sessionid4 */
	[8] = { NFS4_XK_OPAQUE, 0, 0, 4096, 0, 0 },	/* utf8string */
	[9] = { NFS4_XK_ARRAY, 0, 0, 8, 1024, 0 },	/* pathname4 */
	[10] = { NFS4_XK_OPAQUE_FIXED, 0, 0, 8, 0, 0 },	/* verifier4 */
	[11] = { NFS4_XK_STRUCT, 0, 2, 0, 0, 0 },	/* nfstime4 */
	[12] = { NFS4_XK_ENUM, 0, 2, 0, 0, 0 },	/* time_how4 */
	[13] = { NFS4_XK_UNION, 0, 1, 0, 12, 0 },	/* settime4 */
	[14] = { NFS4_XK_STRUCT, 0, 2, 2, 0, 0 },	/* specdata4 */
	[15] = { NFS4_XK_STRUCT, 0, 2, 4, 0, 0 },	/* fsid4 */
	[16] = { NFS4_XK_STRUCT, 0, 2, 4, 0, 0 },	/* change_policy4 */
	[17] = { NFS4_XK_STRUCT, 0, 2, 6, 0, 0 },	/* netaddr4 */
	[18] = { NFS4_XK_STRUCT, 0, 3, 8, 0, 0 },	/* nfs_impl_id4 */
	[19] = { NFS4_XK_STRUCT, 0, 2, 11, 0, 0 },	/* stateid4 */
	[20] = { NFS4_XK_OPAQUE_FIXED, 0, 0, 12, 0, 0 },
	[21] = { NFS4_XK_STRUCT, 0, 2, 13, 0, 0 },	/* layout_content4 */
	[22] = { NFS4_XK_OPAQUE, 0, 0, 65536, 0, 0 },	/* gsshandle4_t */
	[23] = { NFS4_XK_STRUCT, 0, 2, 13, 0, 0 },	/* layouthint4 */
	[24] = { NFS4_XK_ENUM, 0, 3, 2, 0, 0 },	/* layoutiomode4 */
	[25] = { NFS4_XK_STRUCT, 0, 4, 15, 0, 0 },	/* layout4 */
	[26] = { NFS4_XK_STRUCT, 0, 2, 13, 0, 0 },	/* device_addr4 */
	[27] = { NFS4_XK_STRUCT, 0, 2, 13, 0, 0 },	/* layoutupdate4 */
	[28] = { NFS4_XK_STRUCT, 0, 4, 19, 0, 0 },	/* layoutreturn_file4 */
	[29] = { NFS4_XK_UNION, 0, 1, 1, 24, 0 },	/* layoutreturn4 */
	[30] = { NFS4_XK_ENUM, 0, 9, 5, 0, 0 },	/* nfs_ftype4 */
	[31] = { NFS4_XK_STRUCT, 0, 4, 23, 0, 0 },	/* nfsace4 */
	[32] = { NFS4_XK_STRUCT, 0, 2, 27, 0, 0 },	/* nfsacl41 */
	[33] = { NFS4_XK_ARRAY, 0, 0, 31, 1024, 0 },
	[34] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* mode_masked4 */
	[35] = { NFS4_XK_STRUCT, 0, 2, 29, 0, 0 },	/* fs_location4 */
	[36] = { NFS4_XK_STRUCT, 0, 2, 31, 0, 0 },	/* fs_locations4 */
	[37] = { NFS4_XK_ARRAY, 0, 0, 35, 1024, 0 },
	[38] = { NFS4_XK_STRUCT, 0, 3, 33, 0, 0 },	/* fs_locations_server4 */
	[39] = { NFS4_XK_STRUCT, 0, 2, 36, 0, 0 },	/* fs_locations_item4 */
	[40] = { NFS4_XK_ARRAY, 0, 0, 38, 1024, 0 },
	[41] = { NFS4_XK_STRUCT, 0, 4, 38, 0, 0 },	/* fs_locations_info4 */
	[42] = { NFS4_XK_ARRAY, 0, 0, 39, 1024, 0 },
	[43] = { NFS4_XK_STRUCT, 0, 6, 42, 0, 0 },	/* fs4_status */
	[44] = { NFS4_XK_BOOL, 0, 0, 0, 0, 0 },
	[45] = { NFS4_XK_STRUCT, 0, 3, 48, 0, 0 },	/* threshold_item4 */
	[46] = { NFS4_XK_STRUCT, 0, 1, 51, 0, 0 },	/* mdsthreshold4 */
	[47] = { NFS4_XK_ARRAY, 0, 0, 45, 1024, 0 },
	[48] = { NFS4_XK_STRUCT, 0, 2, 52, 0, 0 },	/* retention_get4 */
	[49] = { NFS4_XK_ARRAY, 0, 0, 11, 1, 0 },
	[50] = { NFS4_XK_STRUCT, 0, 2, 54, 0, 0 },	/* retention_set4 */
	[51] = { NFS4_XK_ARRAY, 0, 0, 3, 1, 0 },
	[52] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* labelformat_spec4 */
	[53] = { NFS4_XK_STRUCT, 0, 2, 56, 0, 0 },	/* sec_label4 */
	[54] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* mode_umask4 */
	[55] = { NFS4_XK_UNION, 0, 83, 2, 1, 65535 },	/* fattr4_vals */
	[56] = { NFS4_XK_U64, NFS4_MARK_ATTR_SIZE, 0, 0, 0, 0 },
	[57] = { NFS4_XK_OPAQUE, NFS4_MARK_ATTR_OWNER, 0, 4096, 0, 0 },
	[58] = { NFS4_XK_OPAQUE, NFS4_MARK_ATTR_OWNER_GROUP, 0, 4096, 0, 0 },
	[59] = { NFS4_XK_ARRAY, 0, 0, 1, 1024, 0 },
	[60] = { NFS4_XK_BITMAPPED, 0, 0, 55, 8, 1048576 },	/* fattr4 */
	[61] = { NFS4_XK_STRUCT, 0, 3, 58, 0, 0 },	/* change_info4 */
	[62] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* ACCESS4args */
	[63] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* ACCESS4resok */
	[64] = { NFS4_XK_UNION, 0, 1, 85, 1, 0 },	/* ACCESS4res */
	[65] = { NFS4_XK_STRUCT, 0, 2, 61, 0, 0 },	/* CLOSE4args */
	[66] = { NFS4_XK_UNION, 0, 1, 86, 1, 0 },	/* CLOSE4res */
	[67] = { NFS4_XK_STRUCT, 0, 2, 0, 0, 0 },	/* COMMIT4args */
	[68] = { NFS4_XK_STRUCT, 0, 1, 63, 0, 0 },	/* COMMIT4resok */
	[69] = { NFS4_XK_UNION, 0, 1, 87, 1, 0 },	/* COMMIT4res */
	[70] = { NFS4_XK_UNION, 0, 6, 88, 30, 0 },	/* createtype4 */
	[71] = { NFS4_XK_STRUCT, 0, 3, 64, 0, 0 },	/* CREATE4args */
	[72] = { NFS4_XK_STRUCT, 0, 2, 67, 0, 0 },	/* CREATE4resok */
	[73] = { NFS4_XK_UNION, 0, 1, 94, 1, 0 },	/* CREATE4res */
	[74] = { NFS4_XK_STRUCT, 0, 1, 0, 0, 0 },	/* DELEGPURGE4args */
	[75] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* DELEGPURGE4res */
	[76] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* DELEGRETURN4args */
	[77] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* DELEGRETURN4res */
	[78] = { NFS4_XK_STRUCT, 0, 1, 49, 0, 0 },	/* GETATTR4args */
	[79] = { NFS4_XK_STRUCT, 0, 1, 66, 0, 0 },	/* GETATTR4resok */
	[80] = { NFS4_XK_UNION, 0, 1, 95, 1, 0 },	/* GETATTR4res */
	[81] = { NFS4_XK_STRUCT, 0, 1, 69, 0, 0 },	/* GETFH4resok */
	[82] = { NFS4_XK_UNION, 0, 1, 96, 1, 0 },	/* GETFH4res */
	[83] = { NFS4_XK_STRUCT, 0, 1, 8, 0, 0 },	/* LINK4args */
	[84] = { NFS4_XK_STRUCT, 0, 1, 67, 0, 0 },	/* LINK4resok */
	[85] = { NFS4_XK_UNION, 0, 1, 97, 1, 0 },	/* LINK4res */
	[86] = { NFS4_XK_ENUM, 0, 4, 5, 0, 0 },	/* nfs_lock_type4 */
	[87] = { NFS4_XK_STRUCT, 0, 2, 5, 0, 0 },	/* lock_owner4 */
	[88] = { NFS4_XK_STRUCT, 0, 4, 70, 0, 0 },	/* open_to_lock_owner4 */
	[89] = { NFS4_XK_STRUCT, 0, 2, 71, 0, 0 },	/* exist_lock_owner4 */
	[90] = { NFS4_XK_UNION, 0, 2, 98, 44, 65535 },	/* locker4 */
	[91] = { NFS4_XK_STRUCT, 0, 5, 74, 0, 0 },	/* LOCK4args */
	[92] = { NFS4_XK_STRUCT, 0, 4, 79, 0, 0 },	/* LOCK4denied */
	[93] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* LOCK4resok */
	[94] = { NFS4_XK_UNION, 0, 2, 100, 1, 0 },	/* LOCK4res */
	[95] = { NFS4_XK_STRUCT, 0, 4, 83, 0, 0 },	/* LOCKT4args */
	[96] = { NFS4_XK_UNION, 0, 2, 102, 1, 0 },	/* LOCKT4res */
	[97] = { NFS4_XK_STRUCT, 0, 5, 87, 0, 0 },	/* LOCKU4args */
	[98] = { NFS4_XK_UNION, 0, 1, 104, 1, 0 },	/* LOCKU4res */
	[99] = { NFS4_XK_STRUCT, 0, 1, 8, 0, 0 },	/* LOOKUP4args */
	[100] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* LOOKUP4res */
	[101] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* LOOKUPP4res */
	[102] = { NFS4_XK_STRUCT, 0, 1, 66, 0, 0 },	/* NVERIFY4args */
	[103] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* NVERIFY4res */
	[104] = { NFS4_XK_ENUM, 0, 4, 14, 0, 0 },	/* createmode4 */
	[105] = { NFS4_XK_STRUCT, 0, 2, 92, 0, 0 },	/* creatverfattr */
	[106] = { NFS4_XK_UNION, 0, 4, 105, 104, 65535 },	/* createhow4 */
	[107] = { NFS4_XK_UNION, 0, 1, 109, 108, 0 },	/* openflag4 */
	[108] = { NFS4_XK_ENUM, NFS4_MARK_OPEN_CREATE, 2, 0, 0, 0 },
	[109] = { NFS4_XK_ENUM, 0, 2, 2, 0, 0 },	/* limit_by4 */
	[110] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* nfs_modified_limit4 */
	[111] = { NFS4_XK_UNION, 0, 2, 110, 109, 65535 },	/* nfs_space_limit4 */
	[112] = { NFS4_XK_ENUM, 0, 7, 18, 0, 0 },	/* open_claim_type4 */
	[113] = { NFS4_XK_STRUCT, 0, 2, 94, 0, 0 },	/* open_claim_delegate_cur4 */
	[114] = { NFS4_XK_UNION, 0, 7, 112, 115, 65535 },	/* open_claim4 */
	[115] = { NFS4_XK_ENUM, NFS4_MARK_OPEN_CLAIM, 7, 18, 0, 0 },
	[116] = { NFS4_XK_STRUCT, 0, 2, 5, 0, 0 },	/* open_owner4 */
	[117] = { NFS4_XK_STRUCT, 0, 6, 96, 0, 0 },	/* OPEN4args */
	[118] = { NFS4_XK_U32, NFS4_MARK_OPEN_SHARE_ACCESS, 0, 0, 0, 0 },
	[119] = { NFS4_XK_STRUCT, 0, 3, 102, 0, 0 },	/* open_read_delegation4 */
	[120] = { NFS4_XK_STRUCT, 0, 4, 105, 0, 0 },	/* open_write_delegation4 */
	[121] = { NFS4_XK_ENUM, 0, 9, 25, 0, 0 },	/* why_no_delegation4 */
	[122] = { NFS4_XK_UNION, 0, 2, 119, 121, 0 },	/* open_none_delegation4 */
	[123] = { NFS4_XK_UNION, 0, 4, 121, 104, 65535 },	/* open_delegation4 */
	[124] = { NFS4_XK_STRUCT, 0, 5, 109, 0, 0 },	/* OPEN4resok */
	[125] = { NFS4_XK_UNION, 0, 1, 125, 1, 0 },	/* OPEN4res */
	[126] = { NFS4_XK_STRUCT, 0, 1, 42, 0, 0 },	/* OPENATTR4args */
	[127] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* OPENATTR4res */
	[128] = { NFS4_XK_STRUCT, 0, 2, 71, 0, 0 },	/* OPEN_CONFIRM4args */
	[129] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* OPEN_CONFIRM4resok */
	[130] = { NFS4_XK_UNION, 0, 1, 126, 1, 0 },	/* OPEN_CONFIRM4res */
	[131] = { NFS4_XK_STRUCT, 0, 4, 114, 0, 0 },	/* OPEN_DOWNGRADE4args */
	[132] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* OPEN_DOWNGRADE4resok */
	[133] = { NFS4_XK_UNION, 0, 1, 127, 1, 0 },	/* OPEN_DOWNGRADE4res */
	[134] = { NFS4_XK_STRUCT, 0, 1, 69, 0, 0 },	/* PUTFH4args */
	[135] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* PUTFH4res */
	[136] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* PUTPUBFH4res */
	[137] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* PUTROOTFH4res */
	[138] = { NFS4_XK_STRUCT, 0, 3, 118, 0, 0 },	/* READ4args */
	[139] = { NFS4_XK_STRUCT, 0, 2, 121, 0, 0 },	/* READ4resok */
	[140] = { NFS4_XK_OPAQUE, 0, 0, 4194304, 0, 0 },
	[141] = { NFS4_XK_OPAQUE, NFS4_MARK_READ_DATA, 0, 4194304, 0, 0 },
	[142] = { NFS4_XK_UNION, 0, 1, 128, 1, 0 },	/* READ4res */
	[143] = { NFS4_XK_STRUCT, 0, 5, 123, 0, 0 },	/* READDIR4args */
	[144] = { NFS4_XK_STRUCT, 0, 4, 128, 0, 0 },	/* entry4 */
	[145] = { NFS4_XK_OPTIONAL, 0, 0, 144, 0, 0 },
	[146] = { NFS4_XK_STRUCT, 0, 2, 132, 0, 0 },	/* dirlist4 */
	[147] = { NFS4_XK_STRUCT, 0, 2, 134, 0, 0 },	/* READDIR4resok */
	[148] = { NFS4_XK_UNION, 0, 1, 129, 1, 0 },	/* READDIR4res */
	[149] = { NFS4_XK_STRUCT, 0, 1, 8, 0, 0 },	/* READLINK4resok */
	[150] = { NFS4_XK_UNION, 0, 1, 130, 1, 0 },	/* READLINK4res */
	[151] = { NFS4_XK_STRUCT, 0, 1, 8, 0, 0 },	/* REMOVE4args */
	[152] = { NFS4_XK_STRUCT, 0, 1, 67, 0, 0 },	/* REMOVE4resok */
	[153] = { NFS4_XK_UNION, 0, 1, 131, 1, 0 },	/* REMOVE4res */
	[154] = { NFS4_XK_STRUCT, 0, 2, 8, 0, 0 },	/* RENAME4args */
	[155] = { NFS4_XK_STRUCT, 0, 2, 136, 0, 0 },	/* RENAME4resok */
	[156] = { NFS4_XK_UNION, 0, 1, 132, 1, 0 },	/* RENAME4res */
	[157] = { NFS4_XK_STRUCT, 0, 1, 0, 0, 0 },	/* RENEW4args */
	[158] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* RENEW4res */
	[159] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* RESTOREFH4res */
	[160] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* SAVEFH4res */
	[161] = { NFS4_XK_STRUCT, 0, 1, 8, 0, 0 },	/* SECINFO4args */
	[162] = { NFS4_XK_STRUCT, 0, 3, 138, 0, 0 },	/* rpcsec_gss_info */
	[163] = { NFS4_XK_UNION, 0, 1, 133, 1, 0 },	/* secinfo4 */
	[164] = { NFS4_XK_ARRAY, 0, 0, 163, 1024, 0 },	/* SECINFO4resok */
	[165] = { NFS4_XK_UNION, 0, 1, 134, 1, 0 },	/* SECINFO4res */
	[166] = { NFS4_XK_STRUCT, 0, 2, 141, 0, 0 },	/* SETATTR4args */
	[167] = { NFS4_XK_BITMAPPED, NFS4_MARK_SETATTR_ATTRS, 0, 55, 8, 1048576 },
	[168] = { NFS4_XK_STRUCT, 0, 2, 48, 0, 0 },	/* SETATTR4res */
	[169] = { NFS4_XK_STRUCT, 0, 2, 143, 0, 0 },	/* nfs_client_id4 */
	[170] = { NFS4_XK_STRUCT, 0, 2, 145, 0, 0 },	/* cb_client4 */
	[171] = { NFS4_XK_STRUCT, 0, 3, 147, 0, 0 },	/* SETCLIENTID4args */
	[172] = { NFS4_XK_STRUCT, NFS4_MARK_SETCLIENTID_CB, 2, 145, 0, 0 },
	[173] = { NFS4_XK_STRUCT, 0, 2, 91, 0, 0 },	/* SETCLIENTID4resok */
	[174] = { NFS4_XK_UNION, 0, 2, 135, 1, 0 },	/* SETCLIENTID4res */
	[175] = { NFS4_XK_STRUCT, 0, 2, 91, 0, 0 },	/* SETCLIENTID_CONFIRM4args */
	[176] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* SETCLIENTID_CONFIRM4res */
	[177] = { NFS4_XK_STRUCT, 0, 1, 66, 0, 0 },	/* VERIFY4args */
	[178] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* VERIFY4res */
	[179] = { NFS4_XK_ENUM, 0, 3, 14, 0, 0 },	/* stable_how4 */
	[180] = { NFS4_XK_STRUCT, 0, 4, 150, 0, 0 },	/* WRITE4args */
	[181] = { NFS4_XK_OPAQUE, NFS4_MARK_WRITE_DATA, 0, 4194304, 0, 0 },
	[182] = { NFS4_XK_STRUCT, 0, 3, 154, 0, 0 },	/* WRITE4resok */
	[183] = { NFS4_XK_UNION, 0, 1, 137, 1, 0 },	/* WRITE4res */
	[184] = { NFS4_XK_STRUCT, 0, 1, 73, 0, 0 },	/* RELEASE_LOCKOWNER4args */
	[185] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* RELEASE_LOCKOWNER4res */
	[186] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* ILLEGAL4res */
	[187] = { NFS4_XK_STRUCT, 0, 3, 157, 0, 0 },	/* gss_cb_handles4 */
	[188] = { NFS4_XK_STRUCT, 0, 5, 160, 0, 0 },	/* authsys_parms */
	[189] = { NFS4_XK_OPAQUE, 0, 0, 255, 0, 0 },
	[190] = { NFS4_XK_ARRAY, 0, 0, 1, 16, 0 },
	[191] = { NFS4_XK_UNION, 0, 3, 138, 1, 65535 },	/* callback_sec_parms4 */
	[192] = { NFS4_XK_STRUCT, 0, 2, 165, 0, 0 },	/* BACKCHANNEL_CTL4args */
	[193] = { NFS4_XK_U32, NFS4_MARK_CSESS_CB_PROGRAM, 0, 0, 0, 0 },
	[194] = { NFS4_XK_ARRAY, 0, 0, 191, 1024, 0 },
	[195] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* BACKCHANNEL_CTL4res */
	[196] = { NFS4_XK_ENUM, 0, 4, 34, 0, 0 },	/* channel_dir_from_client4 */
	[197] = { NFS4_XK_STRUCT, 0, 3, 167, 0, 0 },	/* BIND_CONN_TO_SESSION4args */
	[198] = { NFS4_XK_STRUCT, 0, 3, 170, 0, 0 },	/* BIND_CONN_TO_SESSION4resok */
	[199] = { NFS4_XK_UNION, 0, 1, 141, 1, 0 },	/* BIND_CONN_TO_SESSION4res */
	[200] = { NFS4_XK_STRUCT, 0, 2, 143, 0, 0 },	/* client_owner4 */
	[201] = { NFS4_XK_STRUCT, 0, 2, 5, 0, 0 },	/* server_owner4 */
	[202] = { NFS4_XK_STRUCT, 0, 2, 173, 0, 0 },	/* state_protect_ops4 */
	[203] = { NFS4_XK_STRUCT, 0, 5, 175, 0, 0 },	/* ssv_sp_parms4 */
	[204] = { NFS4_XK_ARRAY, 0, 0, 6, 1024, 0 },
	[205] = { NFS4_XK_UNION, 0, 3, 142, 179, 65535 },	/* state_protect4_a */
	[206] = { NFS4_XK_STRUCT, 0, 4, 180, 0, 0 },	/* EXCHANGE_ID4args */
	[207] = { NFS4_XK_ARRAY, 0, 0, 18, 1, 0 },
	[208] = { NFS4_XK_STRUCT, 0, 6, 184, 0, 0 },	/* ssv_prot_info4 */
	[209] = { NFS4_XK_ARRAY, 0, 0, 22, 1024, 0 },
	[210] = { NFS4_XK_UNION, 0, 3, 145, 179, 65535 },	/* state_protect4_r */
	[211] = { NFS4_XK_STRUCT, 0, 7, 190, 0, 0 },	/* EXCHANGE_ID4resok */
	[212] = { NFS4_XK_U32, NFS4_MARK_EXCHGID_FLAGS, 0, 0, 0, 0 },
	[213] = { NFS4_XK_UNION, 0, 1, 148, 1, 0 },	/* EXCHANGE_ID4res */
	[214] = { NFS4_XK_STRUCT, 0, 7, 197, 0, 0 },	/* channel_attrs4 */
	[215] = { NFS4_XK_ARRAY, 0, 0, 1, 1, 0 },
	[216] = { NFS4_XK_STRUCT, 0, 7, 204, 0, 0 },	/* CREATE_SESSION4args */
	[217] = { NFS4_XK_STRUCT, 0, 5, 211, 0, 0 },	/* CREATE_SESSION4resok */
	[218] = { NFS4_XK_UNION, 0, 1, 149, 1, 0 },	/* CREATE_SESSION4res */
	[219] = { NFS4_XK_STRUCT, 0, 1, 167, 0, 0 },	/* DESTROY_SESSION4args */
	[220] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* DESTROY_SESSION4res */
	[221] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* FREE_STATEID4args */
	[222] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* FREE_STATEID4res */
	[223] = { NFS4_XK_STRUCT, 0, 6, 216, 0, 0 },	/* GET_DIR_DELEGATION4args */
	[224] = { NFS4_XK_STRUCT, 0, 5, 222, 0, 0 },	/* GET_DIR_DELEGATION4resok */
	[225] = { NFS4_XK_UNION, 0, 2, 150, 12, 65535 },	/* GET_DIR_DELEGATION4res_non_fatal */
	[226] = { NFS4_XK_UNION, 0, 1, 152, 1, 0 },	/* GET_DIR_DELEGATION4res */
	[227] = { NFS4_XK_STRUCT, 0, 4, 227, 0, 0 },	/* GETDEVICEINFO4args */
	[228] = { NFS4_XK_STRUCT, 0, 2, 231, 0, 0 },	/* GETDEVICEINFO4resok */
	[229] = { NFS4_XK_UNION, 0, 2, 153, 1, 0 },	/* GETDEVICEINFO4res */
	[230] = { NFS4_XK_STRUCT, 0, 4, 233, 0, 0 },	/* GETDEVICELIST4args */
	[231] = { NFS4_XK_STRUCT, 0, 4, 237, 0, 0 },	/* GETDEVICELIST4resok */
	[232] = { NFS4_XK_ARRAY, 0, 0, 7, 1024, 0 },
	[233] = { NFS4_XK_UNION, 0, 1, 155, 1, 0 },	/* GETDEVICELIST4res */
	[234] = { NFS4_XK_UNION, 0, 2, 156, 44, 65535 },	/* newtime4 */
	[235] = { NFS4_XK_UNION, 0, 2, 158, 44, 65535 },	/* newoffset4 */
	[236] = { NFS4_XK_STRUCT, 0, 7, 241, 0, 0 },	/* LAYOUTCOMMIT4args */
	[237] = { NFS4_XK_UNION, 0, 2, 160, 44, 65535 },	/* newsize4 */
	[238] = { NFS4_XK_STRUCT, 0, 1, 248, 0, 0 },	/* LAYOUTCOMMIT4resok */
	[239] = { NFS4_XK_UNION, 0, 1, 162, 1, 0 },	/* LAYOUTCOMMIT4res */
	[240] = { NFS4_XK_STRUCT, 0, 8, 249, 0, 0 },	/* LAYOUTGET4args */
	[241] = { NFS4_XK_STRUCT, 0, 3, 257, 0, 0 },	/* LAYOUTGET4resok */
	[242] = { NFS4_XK_ARRAY, 0, 0, 25, 1024, 0 },
	[243] = { NFS4_XK_UNION, 0, 2, 163, 1, 0 },	/* LAYOUTGET4res */
	[244] = { NFS4_XK_STRUCT, 0, 4, 260, 0, 0 },	/* LAYOUTRETURN4args */
	[245] = { NFS4_XK_UNION, 0, 2, 165, 44, 65535 },	/* layoutreturn_stateid */
	[246] = { NFS4_XK_UNION, 0, 1, 167, 1, 0 },	/* LAYOUTRETURN4res */
	[247] = { NFS4_XK_STRUCT, 0, 5, 264, 0, 0 },	/* SEQUENCE4args */
	[248] = { NFS4_XK_STRUCT, 0, 6, 269, 0, 0 },	/* SEQUENCE4resok */
	[249] = { NFS4_XK_UNION, 0, 1, 168, 1, 0 },	/* SEQUENCE4res */
	[250] = { NFS4_XK_STRUCT, 0, 2, 158, 0, 0 },	/* SET_SSV4args */
	[251] = { NFS4_XK_STRUCT, 0, 1, 14, 0, 0 },	/* SET_SSV4resok */
	[252] = { NFS4_XK_UNION, 0, 1, 169, 1, 0 },	/* SET_SSV4res */
	[253] = { NFS4_XK_STRUCT, 0, 1, 275, 0, 0 },	/* TEST_STATEID4args */
	[254] = { NFS4_XK_ARRAY, 0, 0, 19, 1024, 0 },
	[255] = { NFS4_XK_STRUCT, 0, 1, 276, 0, 0 },	/* TEST_STATEID4resok */
	[256] = { NFS4_XK_UNION, 0, 1, 170, 1, 0 },	/* TEST_STATEID4res */
	[257] = { NFS4_XK_UNION, 0, 3, 171, 112, 65535 },	/* deleg_claim4 */
	[258] = { NFS4_XK_STRUCT, 0, 2, 277, 0, 0 },	/* WANT_DELEGATION4args */
	[259] = { NFS4_XK_UNION, 0, 1, 174, 1, 0 },	/* WANT_DELEGATION4res */
	[260] = { NFS4_XK_STRUCT, 0, 1, 0, 0, 0 },	/* DESTROY_CLIENTID4args */
	[261] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* DESTROY_CLIENTID4res */
	[262] = { NFS4_XK_STRUCT, 0, 1, 42, 0, 0 },	/* RECLAIM_COMPLETE4args */
	[263] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* RECLAIM_COMPLETE4res */
	[264] = { NFS4_XK_UNION, 0, 3, 175, 24, 65535 },	/* netloc4 */
	[265] = { NFS4_XK_STRUCT, 0, 3, 89, 0, 0 },	/* ALLOCATE4args */
	[266] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* ALLOCATE4res */
	[267] = { NFS4_XK_STRUCT, 0, 4, 279, 0, 0 },	/* write_response4 */
	[268] = { NFS4_XK_ARRAY, 0, 0, 19, 1, 0 },
	[269] = { NFS4_XK_STRUCT, 0, 2, 283, 0, 0 },	/* copy_requirements4 */
	[270] = { NFS4_XK_STRUCT, 0, 8, 285, 0, 0 },	/* COPY4args */
	[271] = { NFS4_XK_ARRAY, 0, 0, 264, 1024, 0 },
	[272] = { NFS4_XK_STRUCT, 0, 2, 293, 0, 0 },	/* COPY4resok */
	[273] = { NFS4_XK_UNION, 0, 2, 178, 1, 0 },	/* COPY4res */
	[274] = { NFS4_XK_STRUCT, 0, 2, 295, 0, 0 },	/* COPY_NOTIFY4args */
	[275] = { NFS4_XK_STRUCT, 0, 3, 297, 0, 0 },	/* COPY_NOTIFY4resok */
	[276] = { NFS4_XK_UNION, 0, 1, 180, 1, 0 },	/* COPY_NOTIFY4res */
	[277] = { NFS4_XK_STRUCT, 0, 3, 89, 0, 0 },	/* DEALLOCATE4args */
	[278] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* DEALLOCATE4res */
	[279] = { NFS4_XK_STRUCT, 0, 4, 300, 0, 0 },	/* IO_ADVISE4args */
	[280] = { NFS4_XK_STRUCT, 0, 1, 49, 0, 0 },	/* IO_ADVISE4resok */
	[281] = { NFS4_XK_UNION, 0, 1, 181, 1, 0 },	/* IO_ADVISE4res */
	[282] = { NFS4_XK_STRUCT, 0, 3, 211, 0, 0 },	/* device_error4 */
	[283] = { NFS4_XK_STRUCT, 0, 4, 304, 0, 0 },	/* LAYOUTERROR4args */
	[284] = { NFS4_XK_ARRAY, 0, 0, 282, 1024, 0 },
	[285] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* LAYOUTERROR4res */
	[286] = { NFS4_XK_STRUCT, 0, 2, 4, 0, 0 },	/* io_info4 */
	[287] = { NFS4_XK_STRUCT, 0, 7, 308, 0, 0 },	/* LAYOUTSTATS4args */
	[288] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* LAYOUTSTATS4res */
	[289] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* OFFLOAD_CANCEL4args */
	[290] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* OFFLOAD_CANCEL4res */
	[291] = { NFS4_XK_STRUCT, 0, 1, 21, 0, 0 },	/* OFFLOAD_STATUS4args */
	[292] = { NFS4_XK_STRUCT, 0, 2, 315, 0, 0 },	/* OFFLOAD_STATUS4resok */
	[293] = { NFS4_XK_UNION, 0, 1, 182, 1, 0 },	/* OFFLOAD_STATUS4res */
	[294] = { NFS4_XK_STRUCT, 0, 3, 118, 0, 0 },	/* READ_PLUS4args */
	[295] = { NFS4_XK_STRUCT, 0, 2, 317, 0, 0 },	/* data4 */
	[296] = { NFS4_XK_STRUCT, 0, 2, 4, 0, 0 },	/* data_info4 */
	[297] = { NFS4_XK_UNION, 0, 2, 183, 12, 0 },	/* read_plus_content */
	[298] = { NFS4_XK_STRUCT, 0, 2, 319, 0, 0 },	/* read_plus_res4 */
	[299] = { NFS4_XK_ARRAY, 0, 0, 297, 1024, 0 },
	[300] = { NFS4_XK_UNION, 0, 1, 185, 1, 0 },	/* READ_PLUS4res */
	[301] = { NFS4_XK_STRUCT, 0, 3, 321, 0, 0 },	/* SEEK4args */
	[302] = { NFS4_XK_STRUCT, 0, 2, 58, 0, 0 },	/* seek_res4 */
	[303] = { NFS4_XK_UNION, 0, 1, 186, 1, 0 },	/* SEEK4res */
	[304] = { NFS4_XK_STRUCT, 0, 7, 324, 0, 0 },	/* app_data_block4 */
	[305] = { NFS4_XK_STRUCT, 0, 3, 331, 0, 0 },	/* WRITE_SAME4args */
	[306] = { NFS4_XK_UNION, 0, 1, 187, 1, 0 },	/* WRITE_SAME4res */
	[307] = { NFS4_XK_STRUCT, 0, 5, 285, 0, 0 },	/* CLONE4args */
	[308] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CLONE4res */
	[309] = { NFS4_XK_STRUCT, 0, 1, 8, 0, 0 },	/* GETXATTR4args */
	[310] = { NFS4_XK_UNION, 0, 1, 188, 1, 0 },	/* GETXATTR4res */
	[311] = { NFS4_XK_STRUCT, 0, 3, 334, 0, 0 },	/* SETXATTR4args */
	[312] = { NFS4_XK_UNION, 0, 1, 189, 1, 0 },	/* SETXATTR4res */
	[313] = { NFS4_XK_STRUCT, 0, 2, 0, 0, 0 },	/* LISTXATTRS4args */
	[314] = { NFS4_XK_STRUCT, 0, 3, 337, 0, 0 },	/* LISTXATTRS4resok */
	[315] = { NFS4_XK_UNION, 0, 1, 190, 1, 0 },	/* LISTXATTRS4res */
	[316] = { NFS4_XK_STRUCT, 0, 1, 8, 0, 0 },	/* REMOVEXATTR4args */
	[317] = { NFS4_XK_UNION, 0, 1, 191, 1, 0 },	/* REMOVEXATTR4res */
	[318] = { NFS4_XK_STRUCT, 0, 2, 340, 0, 0 },	/* CB_GETATTR4args */
	[319] = { NFS4_XK_STRUCT, 0, 1, 66, 0, 0 },	/* CB_GETATTR4resok */
	[320] = { NFS4_XK_UNION, 0, 1, 192, 1, 0 },	/* CB_GETATTR4res */
	[321] = { NFS4_XK_STRUCT, 0, 3, 342, 0, 0 },	/* CB_RECALL4args */
	[322] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_RECALL4res */
	[323] = { NFS4_XK_STRUCT, 0, 4, 345, 0, 0 },	/* layoutrecall_file4 */
	[324] = { NFS4_XK_UNION, 0, 3, 193, 24, 65535 },	/* layoutrecall4 */
	[325] = { NFS4_XK_STRUCT, 0, 4, 349, 0, 0 },	/* CB_LAYOUTRECALL4args */
	[326] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_LAYOUTRECALL4res */
	[327] = { NFS4_XK_STRUCT, 0, 2, 65, 0, 0 },	/* notify_entry4 */
	[328] = { NFS4_XK_STRUCT, 0, 2, 353, 0, 0 },	/* prev_entry4 */
	[329] = { NFS4_XK_STRUCT, 0, 2, 353, 0, 0 },	/* notify_remove4 */
	[330] = { NFS4_XK_STRUCT, 0, 5, 355, 0, 0 },	/* notify_add4 */
	[331] = { NFS4_XK_ARRAY, 0, 0, 329, 1, 0 },
	[332] = { NFS4_XK_ARRAY, 0, 0, 328, 1, 0 },
	[333] = { NFS4_XK_STRUCT, 0, 1, 353, 0, 0 },	/* notify_attr4 */
	[334] = { NFS4_XK_STRUCT, 0, 2, 360, 0, 0 },	/* notify_rename4 */
	[335] = { NFS4_XK_STRUCT, 0, 2, 362, 0, 0 },	/* notify_verifier4 */
	[336] = { NFS4_XK_UNION, 0, 6, 196, 1, 65535 },	/* notify_vals4 */
	[337] = { NFS4_XK_BITMAPPED, 0, 0, 336, 8, 65536 },	/* notify4 */
	[338] = { NFS4_XK_STRUCT, 0, 3, 364, 0, 0 },	/* CB_NOTIFY4args */
	[339] = { NFS4_XK_ARRAY, 0, 0, 337, 1024, 0 },
	[340] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_NOTIFY4res */
	[341] = { NFS4_XK_STRUCT, 0, 2, 367, 0, 0 },	/* CB_PUSH_DELEG4args */
	[342] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_PUSH_DELEG4res */
	[343] = { NFS4_XK_STRUCT, 0, 2, 48, 0, 0 },	/* CB_RECALL_ANY4args */
	[344] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_RECALL_ANY4res */
	[345] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_RECALLABLE_OBJ_AVAIL4res */
	[346] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_RECALL_SLOT4args */
	[347] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_RECALL_SLOT4res */
	[348] = { NFS4_XK_STRUCT, 0, 2, 1, 0, 0 },	/* referring_call4 */
	[349] = { NFS4_XK_STRUCT, 0, 2, 369, 0, 0 },	/* referring_call_list4 */
	[350] = { NFS4_XK_ARRAY, 0, 0, 348, 1024, 0 },
	[351] = { NFS4_XK_STRUCT, 0, 6, 371, 0, 0 },	/* CB_SEQUENCE4args */
	[352] = { NFS4_XK_ARRAY, 0, 0, 349, 1024, 0 },
	[353] = { NFS4_XK_STRUCT, 0, 5, 269, 0, 0 },	/* CB_SEQUENCE4resok */
	[354] = { NFS4_XK_UNION, 0, 1, 202, 1, 0 },	/* CB_SEQUENCE4res */
	[355] = { NFS4_XK_STRUCT, 0, 2, 283, 0, 0 },	/* CB_WANTS_CANCELLED4args */
	[356] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_WANTS_CANCELLED4res */
	[357] = { NFS4_XK_STRUCT, 0, 2, 377, 0, 0 },	/* CB_NOTIFY_LOCK4args */
	[358] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_NOTIFY_LOCK4res */
	[359] = { NFS4_XK_STRUCT, 0, 2, 379, 0, 0 },	/* notify_deviceid_delete4 */
	[360] = { NFS4_XK_STRUCT, 0, 3, 381, 0, 0 },	/* notify_deviceid_change4 */
	[361] = { NFS4_XK_UNION, 0, 2, 203, 1, 65535 },	/* notify_deviceid_vals4 */
	[362] = { NFS4_XK_BITMAPPED, 0, 0, 361, 8, 65536 },	/* notify_deviceid4 */
	[363] = { NFS4_XK_STRUCT, 0, 1, 384, 0, 0 },	/* CB_NOTIFY_DEVICEID4args */
	[364] = { NFS4_XK_ARRAY, 0, 0, 362, 1024, 0 },
	[365] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_NOTIFY_DEVICEID4res */
	[366] = { NFS4_XK_UNION, 0, 1, 205, 1, 3 },	/* offload_info4 */
	[367] = { NFS4_XK_STRUCT, 0, 3, 385, 0, 0 },	/* CB_OFFLOAD4args */
	[368] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_OFFLOAD4res */
	[369] = { NFS4_XK_STRUCT, 0, 1, 1, 0, 0 },	/* CB_ILLEGAL4res */
};

const uint16_t nfs4_xdr_members[388] = {
	3, 1, 1, 1, 3, 3, 6, 6, 8, 8, 11, 1, 20, 1, 22, 3, 3, 24, 21, 3, 3, 19,
	22, 1, 1, 1, 8, 1, 33, 9, 9, 9, 37, 1, 22, 8, 40, 9, 1, 1, 9, 42, 44, 1,
	8, 8, 1, 11, 1, 2, 22, 47, 3, 49, 44, 51, 52, 22, 44, 3, 3, 1, 19, 10,
	70, 8, 60, 61, 2, 5, 1, 19, 1, 87, 86, 44, 3, 3, 90, 3, 3, 86, 87, 86,
	3, 3, 87, 86, 1, 19, 3, 3, 10, 60, 19, 8, 1, 118, 1, 116, 107, 114, 19,
	44, 31, 19, 44, 111, 31, 19, 61, 1, 2, 123, 19, 1, 1, 1, 19, 3, 1, 44,
	141, 3, 10, 1, 1, 2, 3, 8, 60, 145, 145, 44, 10, 146, 61, 61, 6, 1, 24,
	19, 167, 10, 6, 1, 17, 169, 172, 1, 19, 3, 179, 181, 1, 179, 10, 24, 22,
	22, 1, 189, 1, 1, 190, 193, 194, 7, 196, 44, 7, 24, 44, 2, 2, 202, 204,
	204, 1, 1, 200, 1, 205, 207, 202, 1, 1, 1, 1, 209, 3, 1, 212, 210, 201,
	6, 207, 1, 1, 1, 1, 1, 1, 215, 3, 1, 1, 214, 214, 193, 194, 7, 1, 1,
	214, 214, 44, 2, 11, 11, 2, 2, 10, 19, 2, 2, 2, 7, 1, 1, 2, 26, 2, 1, 1,
	3, 10, 3, 10, 232, 44, 3, 3, 44, 19, 235, 234, 27, 237, 44, 1, 24, 3, 3,
	3, 19, 1, 44, 19, 242, 44, 1, 24, 29, 7, 1, 1, 1, 44, 7, 1, 1, 1, 1, 1,
	254, 59, 1, 257, 268, 3, 179, 10, 44, 44, 19, 19, 3, 3, 3, 44, 44, 271,
	267, 269, 19, 264, 11, 19, 271, 19, 3, 3, 2, 3, 3, 19, 284, 3, 3, 19,
	286, 286, 7, 27, 3, 215, 3, 141, 44, 299, 19, 3, 12, 3, 3, 3, 3, 1, 3,
	22, 19, 179, 304, 179, 8, 22, 3, 9, 44, 5, 2, 19, 44, 5, 5, 3, 3, 19, 1,
	24, 44, 324, 327, 3, 331, 327, 51, 332, 44, 329, 330, 10, 10, 19, 5,
	339, 5, 123, 7, 350, 7, 1, 1, 1, 44, 352, 5, 87, 1, 7, 1, 7, 44, 364, 5,
	19, 366,
};

const struct nfs4_xdr_arm nfs4_xdr_arms[206] = {
	{ 1, 11 }, { 1, 28 }, { 0, 2 }, { 1, 30 }, { 2, 1 }, { 3, 3 },
	{ 4, 56 }, { 5, 44 }, { 6, 44 }, { 7, 44 }, { 8, 15 }, { 9, 44 },
	{ 10, 1 }, { 11, 1 }, { 12, 33 }, { 13, 1 }, { 14, 44 }, { 15, 44 },
	{ 16, 44 }, { 17, 44 }, { 18, 44 }, { 19, 5 }, { 20, 3 }, { 21, 3 },
	{ 22, 3 }, { 23, 3 }, { 24, 36 }, { 25, 44 }, { 26, 44 }, { 27, 3 },
	{ 28, 1 }, { 29, 1 }, { 30, 3 }, { 31, 3 }, { 32, 8 }, { 33, 1 },
	{ 34, 44 }, { 35, 1 }, { 36, 57 }, { 37, 58 }, { 38, 3 }, { 39, 3 },
	{ 40, 3 }, { 41, 14 }, { 42, 3 }, { 43, 3 }, { 44, 3 }, { 45, 3 },
	{ 46, 44 }, { 47, 11 }, { 48, 13 }, { 49, 11 }, { 50, 11 }, { 51, 11 },
	{ 52, 11 }, { 53, 11 }, { 54, 13 }, { 55, 3 }, { 56, 11 }, { 57, 11 },
	{ 58, 32 }, { 59, 32 }, { 60, 16 }, { 61, 43 }, { 62, 59 }, { 63, 23 },
	{ 64, 59 }, { 65, 1 }, { 66, 1 }, { 67, 41 }, { 68, 46 }, { 69, 48 },
	{ 70, 50 }, { 71, 48 }, { 72, 50 }, { 73, 3 }, { 74, 34 }, { 75, 2 },
	{ 76, 1 }, { 77, 1 }, { 78, 3 }, { 79, 1 }, { 80, 53 }, { 81, 54 },
	{ 82, 44 }, { 0, 63 }, { 0, 19 }, { 0, 68 }, { 2, 0 }, { 3, 14 },
	{ 4, 14 }, { 5, 8 }, { 6, 0 }, { 7, 0 }, { 0, 72 }, { 0, 79 },
	{ 0, 81 }, { 0, 84 }, { 0, 89 }, { 1, 88 }, { 0, 93 }, { 10010, 92 },
	{ 0, 0 }, { 10010, 92 }, { 0, 19 }, { 0, 60 }, { 1, 60 }, { 2, 10 },
	{ 3, 105 }, { 1, 106 }, { 1, 3 }, { 2, 110 }, { 0, 8 }, { 1, 104 },
	{ 2, 113 }, { 3, 8 }, { 4, 0 }, { 5, 19 }, { 6, 0 }, { 1, 44 },
	{ 2, 44 }, { 0, 0 }, { 1, 119 }, { 2, 120 }, { 3, 122 }, { 0, 124 },
	{ 0, 129 }, { 0, 132 }, { 0, 139 }, { 0, 147 }, { 0, 149 }, { 0, 152 },
	{ 0, 155 }, { 6, 162 }, { 0, 164 }, { 0, 173 }, { 10017, 17 },
	{ 0, 182 }, { 0, 0 }, { 1, 188 }, { 6, 187 }, { 0, 198 }, { 0, 0 },
	{ 1, 202 }, { 2, 203 }, { 0, 0 }, { 1, 202 }, { 2, 208 }, { 0, 211 },
	{ 0, 217 }, { 0, 224 }, { 1, 44 }, { 0, 225 }, { 0, 228 }, { 10005, 1 },
	{ 0, 231 }, { 0, 0 }, { 1, 11 }, { 0, 0 }, { 1, 3 }, { 0, 0 }, { 1, 3 },
	{ 0, 238 }, { 0, 241 }, { 10058, 44 }, { 0, 0 }, { 1, 19 }, { 0, 245 },
	{ 0, 248 }, { 0, 251 }, { 0, 255 }, { 1, 104 }, { 4, 0 }, { 6, 0 },
	{ 0, 123 }, { 1, 8 }, { 2, 8 }, { 3, 17 }, { 0, 272 }, { 10094, 269 },
	{ 0, 275 }, { 0, 280 }, { 0, 292 }, { 0, 295 }, { 1, 296 }, { 0, 298 },
	{ 0, 302 }, { 0, 267 }, { 0, 22 }, { 0, 61 }, { 0, 314 }, { 0, 61 },
	{ 0, 319 }, { 1, 323 }, { 2, 15 }, { 3, 0 }, { 0, 333 }, { 1, 333 },
	{ 2, 329 }, { 3, 330 }, { 4, 334 }, { 5, 335 }, { 0, 353 }, { 1, 360 },
	{ 2, 359 }, { 0, 267 },
};

const uint32_t nfs4_xdr_enumvals[38] = {
	0, 1, 1, 2, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5,
	6, 0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 7,
};
